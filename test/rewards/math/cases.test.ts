import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";
import { scoreMath } from "../../../src/rewards/math/engine.ts";
import { mathOptions, mathReward } from "../../../src/rewards/math/index.ts";

interface Case {
  c: string;
  ref: string;
  out: string;
  want: 0 | 1 | "error" | "unscorable";
  opts?: Record<string, unknown>;
}

const cases: Case[] = parse(readFileSync(new URL("./cases.yaml", import.meta.url), "utf8"));

function outcome(r: { reward: number | null; status: string }): Case["want"] {
  if (r.status === "ok") return r.reward === 1 ? 1 : 0;
  return r.status as "error" | "unscorable";
}

test("the labelled case file is large and covers every category", () => {
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  const categories = new Set(cases.map((x) => x.c));
  for (const c of ["boxed", "phrase", "number", "radical", "units", "text", "symbolic", "equation", "interval", "structure", "matrix", "choice", "options", "reference", "hostile"]) {
    assert.ok(categories.has(c), `no "${c}" cases`);
  }
  for (const want of [0, 1, "error", "unscorable"]) assert.ok(cases.some((x) => x.want === want), `no case expecting ${want}`);
});

for (const category of new Set(cases.map((x) => x.c))) {
  test(`labelled cases: ${category}`, () => {
    const wrong: string[] = [];
    for (const x of cases.filter((k) => k.c === category)) {
      const o = mathOptions(mathReward.options.parse(x.opts ?? {}));
      const r = scoreMath(x.out, x.ref, o);
      const got = outcome(r);
      if (got !== x.want) wrong.push(`ref ${JSON.stringify(x.ref)} | out ${JSON.stringify(x.out)} | want ${x.want} got ${got} (${r.reason})`);
    }
    assert.deepEqual(wrong, []);
  });
}
