import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseJsonl, ROOT, runCli } from "../helpers.ts";

const examples = join(ROOT, "examples");
const specs = readdirSync(examples).filter((f) => /\.ya?ml$/.test(f) && existsSync(join(examples, f.replace(/\.ya?ml$/, ".jsonl"))));

test("examples: there is an example for every reward type of the foundation", () => {
  for (const name of ["exact", "contains", "regex", "json", "length", "tags", "f1"]) assert.ok(specs.includes(`${name}.yaml`), name);
});

for (const spec of specs) {
  test(`examples: rewardsmith score --spec examples/${spec} gives one result per record`, async () => {
    const data = `examples/${spec.replace(/\.ya?ml$/, ".jsonl")}`;
    const r = await runCli(["score", "--spec", `examples/${spec}`, data]);
    assert.equal(r.code, 0, r.stderr);
    const inputLines = readFileSync(join(ROOT, data), "utf8").split("\n").filter((l) => l !== "").length;
    const out = parseJsonl(r.stdout);
    assert.equal(out.length, inputLines);
    assert.ok(out.some((o) => o.status === "ok"), "at least one record scores");
  });
}
