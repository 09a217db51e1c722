import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
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
  /** Where a transcribed case comes from (cases-graders.yaml). */
  src?: string;
}

// cases.yaml and every cases-*.yaml beside it.
const here = new URL(".", import.meta.url);
const files = readdirSync(here).filter((f) => /^cases(?:-[\w-]+)?\.yaml$/.test(f)).sort();
const cases: Case[] = files.flatMap((f) => parse(readFileSync(new URL(f, here), "utf8")) as Case[]);

function outcome(r: { reward: number | null; status: string }): Case["want"] {
  if (r.status === "ok") return r.reward === 1 ? 1 : 0;
  return r.status as "error" | "unscorable";
}

test("the labelled case file is large and covers every category", () => {
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  const categories = new Set(cases.map((x) => x.c));
  for (const c of ["boxed", "phrase", "number", "radical", "units", "text", "symbolic", "equation", "interval", "structure", "matrix", "choice", "options", "reference", "hostile", "rounding", "notation", "extraction", "graders"]) {
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
