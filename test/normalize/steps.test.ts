import assert from "node:assert/strict";
import { test } from "node:test";
import { score } from "../../src/index.ts";
import { aggregateSteps, discountedReturns, firstErrorIndex, gatedStepReward, minFormReturns } from "../../src/normalize/steps.ts";

// Steps [0.9, 0.4, 0.8, 0.6], by hand.
const S = [0.9, 0.4, 0.8, 0.6];

test("step aggregation", () => {
  assert.equal(aggregateSteps(S, "min"), 0.4);
  assert.equal(aggregateSteps(S, "last"), 0.6);
  assert.ok(Math.abs(aggregateSteps(S, "mean") - 2.7 / 4) < 1e-12);
  assert.ok(Math.abs(aggregateSteps(S, "product") - 0.9 * 0.4 * 0.8 * 0.6) < 1e-12);
  assert.equal(firstErrorIndex(S, 0.5), 1);
  assert.equal(firstErrorIndex(S, 0.3), -1);
  assert.equal(aggregateSteps(S, "first_error", 0.5), 1 / 4); // one step of four before the first error
  assert.equal(aggregateSteps(S, "first_error", 0.3), 1);
  assert.throws(() => aggregateSteps([], "min"), /no steps/);
});

test("credit assignment: discounted sum and min-form", () => {
  // gamma 0.5: G3 = 0.6; G2 = 0.8 + 0.3 = 1.1; G1 = 0.4 + 0.55 = 0.95; G0 = 0.9 + 0.475 = 1.375
  const g = discountedReturns(S, 0.5);
  [1.375, 0.95, 1.1, 0.6].forEach((e, i) => assert.ok(Math.abs(g[i] - e) < 1e-12, `${i}: ${g[i]}`));
  assert.deepEqual(discountedReturns([1, 2, 3]), [6, 5, 3]);
  // min over steps >= t
  assert.deepEqual(minFormReturns(S), [0.4, 0.4, 0.6, 0.6]);
});

test("correctness-gated step rewards count only when the outcome passes", () => {
  assert.deepEqual(gatedStepReward(1, [0.5, 0.25], { weight: 2 }), { steps: [0.5, 0.25], total: 1 + 2 * 0.75 });
  assert.deepEqual(gatedStepReward(0, [0.5, 0.25], { weight: 2 }), { steps: [0, 0], total: 0 });
});

test("the steps reward type reads the record's steps; bad steps are unscorable, not 0", async () => {
  const spec = { rewards: { process: { type: "steps", aggregate: "min", returns: "min" } } };
  const out = await score(spec, [
    { completion: "x", steps: S.map((reward) => ({ reward })) },
    { completion: "x", steps: [{ reward: 0.5 }, { text: "no reward" }] },
    { completion: "x" },
  ]);
  assert.equal(out[0].reward, 0.4);
  assert.deepEqual(out[0].steps!.map((s) => s.return), [0.4, 0.4, 0.6, 0.6]);
  assert.deepEqual([out[1].status, out[1].reason], ["unscorable", "process: step 2 has no numeric reward"]);
  assert.equal(out[2].status, "unscorable");
});

test("correctness gating in a spec: the formula from docs/normalize.md", async () => {
  const spec = {
    rewards: { correct: { type: "exact" }, process: { type: "steps", aggregate: "mean" } },
    combine: { formula: "correct + 0.5 * (correct >= 1) * process" },
  };
  const steps = [{ reward: 1 }, { reward: 0.5 }];
  const out = await score(spec, [{ completion: "a", reference: "a", steps }, { completion: "a", reference: "b", steps }]);
  // passed: 1 + 0.5 * 0.75; failed: the step rewards do not count
  assert.deepEqual(out.map((o) => o.reward), [1.375, 0]);
});
