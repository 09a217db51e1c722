import assert from "node:assert/strict";
import { test } from "node:test";
import { readBestOf4 } from "../../src/eval/formats/best-of-4.ts";
import { detectFormat } from "../../src/eval/formats/detect.ts";
import { readJudgeBench } from "../../src/eval/formats/judgebench.ts";
import { readPairwise } from "../../src/eval/formats/pairwise.ts";
import { processBenchReader } from "../../src/eval/formats/processbench.ts";
import { readRmBench } from "../../src/eval/formats/rm-bench.ts";
import { bestOfMetric, tiesScore } from "../../src/eval/metrics/best-of-4.ts";
import { judgeBenchMetric } from "../../src/eval/metrics/judgebench.ts";
import { pairwiseMetric, rewardBenchSections } from "../../src/eval/metrics/pairwise.ts";
import { auc, ece, pointwiseMetric, reliability } from "../../src/eval/metrics/pointwise.ts";
import { firstBelow, processBenchMetric } from "../../src/eval/metrics/processbench.ts";
import { rmBenchMetric } from "../../src/eval/metrics/rm-bench.ts";
import { agreement, starcDistance } from "../../src/eval/compare.ts";
import { bootstrapCi, ranks, spearman } from "../../src/eval/stats.ts";
import type { EvalItem, ItemScores } from "../../src/eval/types.ts";

const scores = (rs: Array<number | null>, steps?: Array<number | null>): ItemScores => ({ reward: (c) => rs[c] ?? null, steps: () => steps });
const item = (x: EvalItem | string): EvalItem => {
  assert.equal(typeof x, "object", String(x));
  return x as EvalItem;
};

test("pairwise: strictly higher chosen is right, a tie is wrong and counted; an unscored candidate makes the item unscored", () => {
  const it = item(readPairwise({ prompt: "p", chosen: "a", rejected: "b", subset: "s" }, 1));
  assert.deepEqual(pairwiseMetric.outcome(it, scores([2, 1])), { correct: 1, tie: 0, margin: 1 });
  assert.deepEqual(pairwiseMetric.outcome(it, scores([1, 1])), { correct: 0, tie: 1, margin: 0 });
  assert.equal(pairwiseMetric.outcome(it, scores([1, null])), "rejected was not scored");
  const agg = pairwiseMetric.aggregate([{ correct: 1, tie: 0, margin: 1 }, { correct: 0, tie: 1, margin: 0 }, { correct: 1, tie: 0, margin: 2 }, { correct: 0, tie: 0, margin: -1 }]);
  assert.deepEqual(agg, { accuracy: 0.5, tie_rate: 0.25, mean_margin: 0.5 });
});

test("RewardBench sections: prompt-weighted (math-prm 984 vs hep 164 each), score = mean of sections", () => {
  // Reasoning: (1·984 + 0·164) / 1148; Chat: (0.5·100 + 1·40) / 140.
  const r = rewardBenchSections({ "math-prm": 1, "hep-go": 0, "alpacaeval-easy": 0.5, "mt-bench-med": 1, unknown: 0 })!;
  assert.ok(Math.abs(r.sections.Reasoning - 984 / 1148) < 1e-12);
  assert.ok(Math.abs(r.sections.Chat - 90 / 140) < 1e-12);
  assert.deepEqual(Object.keys(r.sections), ["Chat", "Reasoning"]);
  assert.ok(Math.abs(r.score - (984 / 1148 + 90 / 140) / 2) < 1e-12);
  assert.equal(rewardBenchSections({ mine: 1 }), undefined);
});

test("best-of-4: chosen at the top alone 1, sharing the top with k-1 others 1/k, below the top 0", () => {
  const it = item(readBestOf4({ prompt: "p", chosen: ["c"], rejected: ["r1", "r2", "r3"], subset: "Math" }, 1));
  assert.equal((bestOfMetric.outcome(it, scores([5, 1, 2, 3])) as { correct: number }).correct, 1);
  assert.equal((bestOfMetric.outcome(it, scores([5, 5, 2, 5])) as { correct: number }).correct, 1 / 3);
  assert.equal((bestOfMetric.outcome(it, scores([4, 5, 2, 3])) as { correct: number }).correct, 0);
  assert.equal(bestOfMetric.aggregate([{ correct: 1 }, { correct: 0.5 }, { correct: 0 }, { correct: 0.5 }]).score, 0.5);
  assert.match(String(readBestOf4({ chosen: ["a"], rejected: [], subset: "x" }, 3)), /"rejected" must be a non-empty list/);
});

test("Ties: hand-computed score from one ref and one tied prompt", () => {
  // ref:1 correct [0.9] incorrect [0.5, 0.2] -> accurate, margin 0.4
  // tied:1 correct [0.8, 0.7] incorrect [0.6] -> accurate, spread 0.1, margin 0.1
  // preferred: 0.1 > 0.1 false; hard: min(0.4, 0.1) = 0.1 > 0.1 false; margin term tanh(0.1/0.1 - 1) = 0
  const ref = item(readBestOf4({ id: "ref:1", chosen: ["a"], rejected: ["b", "c"], subset: "Ties" }, 1));
  const tied = item(readBestOf4({ id: "tied:1", chosen: ["a", "b"], rejected: ["c"], subset: "Ties" }, 2));
  const o1 = bestOfMetric.outcome(ref, scores([0.9, 0.5, 0.2]));
  const o2 = bestOfMetric.outcome(tied, scores([0.8, 0.7, 0.6])) as { ties: unknown };
  const agg = bestOfMetric.aggregate([o1 as never, o2 as never]);
  assert.ok(Math.abs(agg.score - 0.6) < 1e-9, `score ${agg.score}`);
  // Make the tied prompt's margin clearly bigger than its spread: every term counts.
  const o3 = bestOfMetric.outcome(tied, scores([0.8, 0.79, 0.1]));
  const agg2 = bestOfMetric.aggregate([o1 as never, o3 as never]);
  // spread 0.01, margins 0.69 (tied) and 0.4 (ref): preferred 1, hard 1, tanh(0.4/0.01 - 1) ≈ 1
  assert.ok(Math.abs(agg2.score - (0.3 + 0.3 + 0.2 + 0.2 + 0.01 * Math.tanh(0.4 / 0.01 - 1))) < 1e-9);
  assert.match(String(bestOfMetric.outcome(item(readBestOf4({ id: "7", chosen: ["a"], rejected: ["b"], subset: "Ties" }, 1)), scores([1, 0]))), /ref:<n>/);
});

test("RM-Bench: hard/normal/easy from the 3x3 matrix", () => {
  const it = item(readRmBench({ chosen: ["c0", "c1", "c2"], rejected: ["r0", "r1", "r2"], domain: "chat" }, 1));
  // chosen rewards 1, 2, 3; rejected 0.5, 2.5, 3.5: matrix rows [1,0,0], [1,0,0], [1,1,0]
  const o = rmBenchMetric.outcome(it, scores([1, 2, 3, 0.5, 2.5, 3.5])) as { matrix: number[][]; hard: number; normal: number; easy: number };
  assert.deepEqual(o.matrix, [[1, 0, 0], [1, 0, 0], [1, 1, 0]]);
  assert.equal(o.hard, 0); // (0,1) (0,2) (1,2)
  assert.equal(o.normal, 1 / 3); // (0,0)
  assert.equal(o.easy, 1); // (1,0) (2,0) (2,1)
  assert.equal(rmBenchMetric.aggregate([o]).avg, (0 + 1 / 3 + 1) / 3);
  assert.match(String(readRmBench({ chosen: ["a"], rejected: ["b", "c", "d"], domain: "x" }, 1)), /list of 3 responses/);
});

test("JudgeBench: votes over both orders; consistent ties, split decisions and inconsistency", () => {
  const it = item(readJudgeBench({ question: "q", response_A: "a", response_B: "b", label: "A>B", source: "livebench-math" }, 1));
  assert.equal(it.subset, "math");
  const right = judgeBenchMetric.outcome(it, scores([2, 1, 1, 2])) as { correct: number; inconsistent: number };
  assert.equal(right.correct, 1);
  assert.equal(right.inconsistent, 0);
  // Trial 1 says A>B, trial 2 (B shown first, rated higher) says B>A: votes 0, a tie, inconsistent.
  const split = judgeBenchMetric.outcome(it, scores([2, 1, 3, 1])) as { votes: number; tie: number; inconsistent: number };
  assert.deepEqual([split.votes, split.tie, split.inconsistent], [0, 1, 1]);
  // One tie and one right decision: votes 1, right.
  assert.equal((judgeBenchMetric.outcome(it, scores([1, 1, 1, 2])) as { correct: number }).correct, 1);
  const agg = judgeBenchMetric.aggregate([right as never, split as never]);
  assert.deepEqual([agg.accuracy, agg.tie_rate, agg.inconsistency], [0.5, 0.5, 0.5]);
  assert.match(String(readJudgeBench({ response_A: "a", response_B: "b", label: "A=B" }, 1)), /"label" must be/);
});

test("ProcessBench: first step below the threshold; error/correct accuracy and their harmonic mean", () => {
  assert.equal(firstBelow([0.9, 0.4, 0.1], 0.5), 1);
  assert.equal(firstBelow([0.9, 0.6], 0.5), -1);
  const m = processBenchMetric(0.5);
  const read = processBenchReader(false);
  const wrong = item(read({ id: "math-1", problem: "p", steps: ["s1", "s2", "s3"], label: 1 }, 1));
  assert.equal(wrong.subset, "math");
  assert.deepEqual(wrong.candidates[0].steps, [{ reward: null, text: "s1" }, { reward: null, text: "s2" }, { reward: null, text: "s3" }]);
  const correct = item(read({ id: "math-2", problem: "p", steps: ["s1", "s2"], label: -1 }, 2));
  const o1 = m.outcome(wrong, scores([0.1], [0.9, 0.2, 0.8])); // predicts 1: right
  const o2 = m.outcome(wrong, scores([0.1], [0.9, 0.8, 0.2])); // predicts 2: wrong
  const o3 = m.outcome(correct, scores([1], [0.9, 0.7])); // predicts -1: right
  const agg = m.aggregate([o1, o2, o3] as never);
  assert.equal(agg.error_acc, 0.5);
  assert.equal(agg.correct_acc, 1);
  assert.equal(agg.f1, (2 * 0.5 * 1) / 1.5);
  assert.match(String(m.outcome(wrong, scores([1]))), /no per-step rewards/);
  assert.match(String(m.outcome(wrong, scores([1], [0.5]))), /1 step rewards for 3 steps/);
  // Prefix mode: one candidate per prefix, its reward is that step's score.
  const prefixed = item(processBenchReader(true)({ id: "gsm8k-3", steps: ["a", "b"], label: 0 }, 1));
  assert.deepEqual(prefixed.candidates.map((c) => c.completion), ["a", "a\n\nb"]);
  assert.deepEqual(m.outcome(prefixed, scores([0.2, 0.9])), { label: 0, steps: [0.2, 0.9] });
});

test("pointwise: accuracy at the threshold, AUC with ties, ECE and the reliability bins", () => {
  const os = [
    { score: 0.9, label: 1 },
    { score: 0.8, label: 0 },
    { score: 0.3, label: 1 },
    { score: 0.3, label: 0 },
  ];
  // AUC: positives 0.9, 0.3 vs negatives 0.8, 0.3: pairs 1, 1, 0, 0.5 -> 2.5 / 4
  assert.equal(auc(os), 0.625);
  assert.equal(pointwiseMetric(0.5).aggregate(os).accuracy, 0.5);
  // Bins: [0.3,0.4): conf 0.3, acc 0.5 (n 2); [0.8,0.9): 0.8 vs 0 (n 1); [0.9,1]: 0.9 vs 1 (n 1)
  assert.deepEqual(reliability(os)!.map((b) => [b.n, b.confidence, b.accuracy]), [[2, 0.3, 0.5], [1, 0.8, 0], [1, 0.9, 1]]);
  assert.ok(Math.abs(ece(os) - (0.5 * 0.2 + 0.25 * 0.8 + 0.25 * 0.1)) < 1e-12);
  assert.ok(Number.isNaN(ece([{ score: 3, label: 1 }])));
});

test("format detection by fields", () => {
  assert.equal(detectFormat({ prompt: "p", chosen: "a", rejected: "b" }), "pairwise");
  assert.equal(detectFormat({ prompt: "p", chosen: [{ role: "assistant", content: "a" }], rejected: [{ role: "assistant", content: "b" }] }), "pairwise");
  assert.equal(detectFormat({ prompt: "p", chosen: ["a"], rejected: ["b", "c", "d"] }), "best_of_4");
  assert.equal(detectFormat({ prompt: "p", chosen: ["a", "b", "c"], rejected: ["d", "e", "f"], domain: "chat" }), "rm_bench");
  assert.equal(detectFormat({ question: "q", response_A: "a", response_B: "b", label: "A>B" }), "judgebench");
  assert.equal(detectFormat({ problem: "q", steps: ["a"], label: -1 }), "processbench");
  assert.equal(detectFormat({ prompt: "q", completion: "a", label: 1 }), "pointwise");
  assert.equal(detectFormat({ text: "?" }), undefined);
});

test("stats: ranks with ties, Spearman, seeded bootstrap is reproducible", () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.equal(spearman([1, 2, 3], [30, 20, 10]), -1);
  const xs = [0, 1, 1, 0, 1, 1, 1, 0];
  const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;
  const a = bootstrapCi(xs, mean, { n: 500, seed: 3 });
  assert.deepEqual(a, bootstrapCi(xs, mean, { n: 500, seed: 3 }));
  assert.ok(a![0] <= 0.625 && 0.625 <= a![1] && a![0] < a![1]);
});

test("compare: STARC distance 0 for a per-prompt shift and positive scale, 1 for the opposite; pairwise agreement", () => {
  assert.ok(Math.abs(starcDistance([[[1, 12], [3, 16]], [[0, -5], [5, 5]]])) < 1e-12);
  assert.ok(Math.abs(starcDistance([[[1, 3], [3, 1]]]) - 1) < 1e-12);
  const it = item(readBestOf4({ chosen: ["a"], rejected: ["b", "c"], subset: "x" }, 1));
  const a = [[{ reward: 3, status: "ok" as const }, { reward: 2, status: "ok" as const }, { reward: 1, status: "ok" as const }]];
  const b = [[{ reward: 1, status: "ok" as const }, { reward: 2, status: "ok" as const }, { reward: 0, status: "ok" as const }]];
  const r = agreement([it], a, b);
  // pairs (0,1): 3>2 vs 1<2 disagree; (0,2): agree; (1,2): agree
  assert.equal(r.pairs, 3);
  assert.equal(r.pairwise_agreement, 2 / 3);
  assert.equal(r.spearman, 0.5);
});
