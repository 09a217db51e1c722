import type { FormatMetric } from "../types.ts";
import { mean } from "./common.ts";

export interface PointwiseOutcome {
  score: number;
  label: number;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative,
 * ties counting one half (the Mann-Whitney statistic, computed with average ranks).
 */
export function auc(os: readonly PointwiseOutcome[]): number {
  const pos = os.filter((o) => o.label === 1).length;
  const neg = os.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  const sorted = [...os].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1].score === sorted[i].score) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (sorted[k].label === 1) rankSum += avg;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  /** Mean reward in the bin. */
  confidence: number;
  /** Share of positive labels in the bin. */
  accuracy: number;
}

/** Equal-width bins over [0, 1] (the last includes 1); empty bins are left out. Undefined when a score is outside [0, 1]. */
export function reliability(os: readonly PointwiseOutcome[], bins = 10): ReliabilityBin[] | undefined {
  if (os.some((o) => o.score < 0 || o.score > 1)) return undefined;
  const acc = Array.from({ length: bins }, () => ({ n: 0, s: 0, y: 0 }));
  for (const o of os) {
    const b = acc[Math.min(bins - 1, Math.floor(o.score * bins))];
    b.n++;
    b.s += o.score;
    b.y += o.label;
  }
  return acc.flatMap((b, i) => (b.n === 0 ? [] : [{ lo: i / bins, hi: (i + 1) / bins, n: b.n, confidence: b.s / b.n, accuracy: b.y / b.n }]));
}

/** Expected calibration error: Σ_bins (n_b / N) · |accuracy_b − confidence_b|; NaN when rewards leave [0, 1]. */
export function ece(os: readonly PointwiseOutcome[], bins = 10): number {
  const r = reliability(os, bins);
  if (!r || os.length === 0) return Number.NaN;
  let e = 0;
  for (const b of r) e += (b.n / os.length) * Math.abs(b.accuracy - b.confidence);
  return e;
}

/**
 * Pointwise labelled records: accuracy (reward >= threshold predicts label 1), AUC, ECE over 10
 * equal-width bins (rewards in [0, 1] only), Brier score, and the positive share.
 */
export function pointwiseMetric(threshold: number): FormatMetric<PointwiseOutcome> {
  return {
    headline: "accuracy",
    outcome(item, scores) {
      const r = scores.reward(0);
      if (r === null) return "the completion was not scored";
      return { score: r, label: item.label as number };
    },
    aggregate(os) {
      const inUnit = os.every((o) => o.score >= 0 && o.score <= 1);
      return {
        accuracy: mean(os.map((o) => ((o.score >= threshold ? 1 : 0) === o.label ? 1 : 0))),
        auc: auc(os),
        ece: ece(os),
        brier: inUnit ? mean(os.map((o) => (o.score - o.label) ** 2)) : Number.NaN,
        positive_rate: mean(os.map((o) => o.label)),
      };
    },
    value: (o) => ((o.score >= threshold ? 1 : 0) === o.label ? 1 : 0),
    failed: (o) => (o.score >= threshold ? 1 : 0) !== o.label,
  };
}
