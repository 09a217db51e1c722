import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Scorer } from "../../../src/pipeline/scorer.ts";
import { parseSpec } from "../../../src/spec/parse.ts";
import { DEFAULT_MATH_OPTIONS, scoreMath } from "../../../src/rewards/math/engine.ts";
import { MathPool, type Pair } from "../../../src/rewards/math/pool.ts";

const pairs: Pair[] = [
  ["The answer is $\\boxed{\\frac{1}{2}}$.", "0.5"],
  ["#### 72", "72"],
  ["So $x = \\boxed{3}$", "4"],
  ["No idea.", "4"],
  ["\\boxed{5}", undefined],
];

test("the pool returns, in order, what the in-process engine returns", async () => {
  const pool = new MathPool(DEFAULT_MATH_OPTIONS, 5000, 2);
  after(() => pool.close());
  const many = Array.from({ length: 100 }, (_, i) => pairs[i % pairs.length]);
  const got = await pool.score(many);
  assert.deepEqual(got, many.map(([c, r]) => scoreMath(c, r)));
});

test("a pair over the time budget is an error 'timeout'; its worker is replaced and the batch continues", async () => {
  const spin = new URL("./fixtures/spin-worker.ts", import.meta.url);
  const pool = new MathPool(DEFAULT_MATH_OPTIONS, 300, 1, spin);
  after(() => pool.close());
  const batch: Pair[] = [pairs[0], pairs[1], ["SPIN", "1"], pairs[2], pairs[0]];
  const got = await pool.score(batch);
  assert.deepEqual(got[2], { reward: null, status: "error", reason: "timeout" });
  assert.deepEqual([got[0], got[1], got[3], got[4]], [batch[0], batch[1], batch[3], batch[4]].map(([c, r]) => scoreMath(c, r)));
  // The replacement worker keeps serving.
  assert.deepEqual(await pool.score([pairs[1]]), [scoreMath(...pairs[1])]);
});

test("a closed pool rejects new work", async () => {
  const pool = new MathPool(DEFAULT_MATH_OPTIONS, 1000, 1);
  await pool.close();
  await assert.rejects(pool.score([pairs[0]]), /closed/);
});

test("through a spec: a pathological record yields status error while the rest are scored", async () => {
  const spec = parseSpec({ rewards: { correct: { type: "math", workers: 2 } } });
  const scorer = new Scorer(spec);
  after(() => scorer.close());
  const records = [
    { id: 1, completion: "Thus $\\boxed{14}$.", reference: "14" },
    { id: 2, completion: "The answer is $\\boxed{10^{10^{10^{10}}}}$", reference: "14" },
    { id: 3, completion: "\\boxed{" + "{".repeat(50_000) + "1" + "}".repeat(50_000) + "}", reference: "1" },
    { id: 4, completion: "#### 15", reference: "14" },
    { id: 5, completion: "Hence $x \\in \\boxed{[2, \\infty)}$", reference: "x \\geq 2" },
  ];
  const out = await scorer.scoreRecords(records);
  assert.deepEqual(out.map((o) => [o.id, o.status, o.reward]), [
    [1, "ok", 1],
    [2, "error", null],
    [3, "error", null],
    [4, "ok", 0],
    [5, "ok", 1],
  ]);
  assert.match(out[1].components!.correct.reason!, /exponent larger than/);
  assert.match(out[2].components!.correct.reason!, /longer than/);
});

test("a list of references is a set of accepted answers", async () => {
  const spec = parseSpec({ rewards: { correct: { type: "math", workers: 1 } } });
  const scorer = new Scorer(spec);
  after(() => scorer.close());
  const out = await scorer.scoreRecords([
    { id: 1, completion: "\\boxed{\\frac{1}{2}}", reference: ["0.5", "50\\%"] },
    { id: 2, completion: "\\boxed{3}", reference: [1, 2] },
  ]);
  assert.deepEqual(out.map((o) => o.reward), [1, 0]);
});
