import assert from "node:assert/strict";
import { test } from "node:test";
import { FLAG, groupAdvantages } from "../../src/normalize/group.ts";
import { type AdvantageChoice, resolveAdvantageOptions } from "../../src/normalize/presets.ts";

/*
 * Golden vectors. The expected numbers were computed by an independent plain-Python script
 * (floats, `statistics.mean`, `statistics.stdev` = n-1, `statistics.variance`), one function per
 * trainer written from that trainer's source, not from this code:
 *   verl grpo:      A = (r - mean) / (stdev + 1e-6); group of one: mean 0, std 1 -> r / (1 + 1e-6)
 *   verl dr_grpo:   A = r - mean; group of one: r
 *   verl rloo:      A = r*n/(n-1) - mean*n/(n-1); group of one: r
 *   verl reinforce_baseline: a = r - mean (group of one: r), then (a - mean(a)) / sqrt(variance(a) + 1e-8)
 *   TRL grpo:       A = (r - mean) / (stdev + 1e-4); group of one: 0
 *   TRL batch:      A = (r - mean_group) / (stdev_of_all_rewards + 1e-4)
 *   OpenRLHF group_norm: A = (r - mean) / (stdev + 1e-9); group of one: undefined (null)
 *   OpenRLHF rloo:  A = r - (sum - r)/(n - 1); group of one: null
 *   OpenRLHF reinforce_baseline / dr_grpo: A = r - mean; group of one: 0
 *   rank:           k/(m-1) - 1/2 for the k-th smallest (ties averaged); group of one: 0
 * The batch: group A (4 rewards), B (3 usable + one null), C (one), D (three equal: zero variance),
 * E (only a null), interleaved.
 */
const RECORDS: Array<[string, number | null]> = [
  ["A", 0.2], ["B", 1.0], ["A", 0.9], ["C", 0.7], ["B", null], ["A", 0.5], ["D", 1.0],
  ["B", 0.0], ["D", 1.0], ["A", 0.4], ["E", null], ["D", 1.0], ["B", 0.5],
];
const N = null;
const GOLDEN: Array<[string, AdvantageChoice, Array<number | null>]> = [
  ["verl grpo", { method: "grpo", preset: "verl" }, [-1.0190458692034328, 0.999998000004, 1.3587278256045772, 0.6999993000007, N, 0, 0, -0.999998000004, 0, -0.33968195640114424, N, 0, 0]],
  ["verl dr_grpo", { method: "dr_grpo", preset: "verl" }, [-0.3, 0.5, 0.4, 0.7, N, 0, 0, -0.5, 0, -0.09999999999999998, N, 0, 0]],
  ["verl rloo", { method: "rloo", preset: "verl" }, [-0.39999999999999997, 0.75, 0.5333333333333333, 0.7, N, 0, 0, -0.75, 0, -0.1333333333333333, N, 0, 0]],
  ["verl reinforce_baseline", { method: "reinforce_baseline", preset: "verl" }, [-1.0473500763425005, 1.2568200916110006, 0.968798820616813, 1.8328626335993758, N, -0.1832862633599376, -0.1832862633599376, -1.6233926183308756, -0.1832862633599376, -0.4713075343541252, N, -0.1832862633599376, -0.1832862633599376]],
  ["trl grpo", { method: "grpo", preset: "trl" }, [-1.01870329442667, 0.9998000399920016, 1.3582710592355602, 0, N, 0, 0, -0.9998000399920016, 0, -0.33956776480888995, N, 0, 0]],
  ["trl dr_grpo (scale_rewards none)", { method: "dr_grpo", preset: "trl" }, [-0.3, 0.5, 0.4, 0, N, 0, 0, -0.5, 0, -0.09999999999999998, N, 0, 0]],
  ["trl batch", { method: "batch", preset: "trl" }, [-0.8359204344457708, 1.3932007240762847, 1.1145605792610278, 0, N, 0, 0, -1.3932007240762847, 0, -0.2786401448152569, N, 0, 0]],
  ["openrlhf group_norm", { method: "grpo", preset: "openrlhf" }, [-1.0190493272685974, 0.9999999980000001, 1.3587324363581301, N, N, 0, 0, -0.9999999980000001, 0, -0.3396831090895324, N, 0, 0]],
  ["openrlhf rloo", { method: "rloo", preset: "openrlhf" }, [-0.39999999999999997, 0.75, 0.5333333333333333, N, N, 0, 0, -0.75, 0, -0.1333333333333333, N, 0, 0]],
  ["openrlhf reinforce_baseline", { method: "reinforce_baseline", preset: "openrlhf" }, [-0.3, 0.5, 0.4, 0, N, 0, 0, -0.5, 0, -0.09999999999999998, N, 0, 0]],
  ["openrlhf dr_grpo", { method: "dr_grpo", preset: "openrlhf" }, [-0.3, 0.5, 0.4, 0, N, 0, 0, -0.5, 0, -0.09999999999999998, N, 0, 0]],
  ["rank", { method: "rank" }, [-0.5, 0.5, 0.5, 0, N, 0.16666666666666663, 0, -0.5, 0, -0.16666666666666669, N, 0, 0]],
];

function arrays(records: Array<[string | null, number | null]>) {
  const ids = new Map<string, number>();
  const groups = new Int32Array(records.length);
  const rewards = new Float64Array(records.length);
  records.forEach(([g, r], i) => {
    if (g === null) groups[i] = -1;
    else {
      if (!ids.has(g)) ids.set(g, ids.size);
      groups[i] = ids.get(g)!;
    }
    rewards[i] = r ?? NaN;
  });
  return { groups, rewards, count: ids.size };
}

function assertClose(actual: Float64Array, expected: Array<number | null>, label: string) {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    if (e === null) assert.ok(Number.isNaN(actual[i]), `${label} [${i}]: expected null, found ${actual[i]}`);
    else assert.ok(Math.abs(actual[i] - e) <= 1e-9, `${label} [${i}]: expected ${e}, found ${actual[i]}`);
  });
}

for (const [label, choice, expected] of GOLDEN) {
  test(`golden: ${label}`, () => {
    const { rewards, groups, count } = arrays(RECORDS);
    const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions(choice));
    assertClose(r.advantages, expected, label);
  });
}

test("null rewards are excluded from statistics and flagged; groups without usable rewards count", () => {
  const { rewards, groups, count } = arrays(RECORDS);
  const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "grpo" }));
  assert.equal(r.flags[4], FLAG.noReward);
  assert.equal(r.flags[10], FLAG.noReward);
  assert.deepEqual({ groups: r.stats.groups, singleton: r.stats.singletonGroups, zero: r.stats.zeroVarianceGroups }, { groups: 5, singleton: 1, zero: 1 });
});

test("zero-variance groups: flag keeps the advantage, drop nulls it", () => {
  const { rewards, groups, count } = arrays(RECORDS);
  const flagged = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "grpo", zeroVariance: "flag" }));
  assert.deepEqual([6, 8, 11].map((i) => flagged.flags[i] & FLAG.zeroVariance), [FLAG.zeroVariance, FLAG.zeroVariance, FLAG.zeroVariance]);
  assert.equal(flagged.advantages[6], 0);
  assert.equal(flagged.flags[0] & FLAG.zeroVariance, 0);
  const dropped = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "grpo", zeroVariance: "drop" }));
  assert.ok([6, 8, 11].every((i) => Number.isNaN(dropped.advantages[i]) && dropped.flags[i] & FLAG.dropped));
  assert.ok(Math.abs(dropped.advantages[0] - -1.0190458692034328) < 1e-9);
});

test("zero-variance groups get exactly 0, whatever the rounding of their mean and the epsilon", () => {
  // [0.1, 0.1, 0.1]: the float mean is 0.10000000000000002, so r - mean and the std are rounding
  // noise (~1e-17); with epsilon 0 their ratio was -0.816, and [1, 1] gave 0/0 = NaN (null).
  // The advantage of an all-equal group is 0: (r - mean) = 0 for every member.
  const { rewards, groups, count } = arrays([["A", 0.1], ["A", 0.1], ["A", 0.1], ["B", 1], ["B", 1]]);
  for (const method of ["grpo", "dr_grpo", "rloo", "batch", "reinforce_baseline"] as const) {
    for (const epsilon of [0, 1e-6]) {
      const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method, epsilon, whiten: false }));
      assert.deepEqual(Array.from(r.advantages), [0, 0, 0, 0, 0], `${method}, epsilon ${epsilon}`);
      assert.ok(r.flags.every((f) => f === FLAG.zeroVariance));
    }
  }
});

test("zero_variance drop filters the group before whitening", () => {
  // A = [0, 1], B = [1, 1] (zero variance, dropped). reinforce_baseline: A -> [-0.5, 0.5]; whitened
  // over the kept records only: mean 0, unbiased variance 0.5, so +-0.5 / sqrt(0.5 + 1e-8).
  // (With B's zeros left in, the variance was 0.5/3 and the result +-1.2247.)
  const { rewards, groups, count } = arrays([["A", 0], ["B", 1], ["A", 1], ["B", 1]]);
  const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "reinforce_baseline", preset: "verl", zeroVariance: "drop" }));
  assertClose(r.advantages, [-0.7071067741154798, null, 0.7071067741154798, null], "drop then whiten");
});

test("expected group size: groups of another size are reported and flagged", () => {
  const { rewards, groups, count } = arrays(RECORDS);
  const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "grpo", expectedGroupSize: 4 }));
  // A and B have 4 records (B has a null); C 1, D 3, E 1
  assert.equal(r.stats.sizeMismatchGroups, 3);
  assert.deepEqual(r.stats.sizeMismatches.map((m) => m.size), [1, 3, 1]);
  assert.equal(r.flags[0] & FLAG.sizeMismatch, 0);
  assert.equal(r.flags[3] & FLAG.sizeMismatch, FLAG.sizeMismatch);
});

test("records without a group get no advantage", () => {
  const { rewards, groups, count } = arrays([["A", 1], [null, 0.5], ["A", 0]]);
  const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "dr_grpo" }));
  assert.deepEqual(Array.from(r.advantages), [0.5, NaN, -0.5]);
  assert.equal(r.flags[1], FLAG.noGroup);
});

test("population std and explicit epsilon override the preset", () => {
  // [0, 1]: mean 0.5, population std 0.5 -> (1 - 0.5) / (0.5 + 0) = 1
  const { rewards, groups, count } = arrays([["A", 0], ["A", 1]]);
  const r = groupAdvantages(rewards, groups, count, resolveAdvantageOptions({ method: "grpo", std: "population", epsilon: 0 }));
  assert.deepEqual(Array.from(r.advantages), [-1, 1]);
});

test("a preset that lacks the method is refused with the presets that have it", () => {
  assert.throws(() => resolveAdvantageOptions({ method: "batch", preset: "verl" }), /verl has no batch; presets for batch: trl/);
});
