import type { EvalItem, FormatMetric, ItemScores } from "../types.ts";
import { mean } from "./common.ts";

export interface ProcessBenchOutcome {
  /** 0-based first wrong step, -1 for a correct solution. */
  label: number;
  /** The score of each step (higher: more likely right). */
  steps: number[];
}

/** The predicted first wrong step: the first step scoring below the threshold, -1 when none does. */
export function firstBelow(steps: readonly number[], threshold: number): number {
  for (let i = 0; i < steps.length; i++) if (steps[i] < threshold) return i;
  return -1;
}

/**
 * The step scores of an item: with prefixes (one candidate per prefix) the reward of prefix k is
 * step k's score; otherwise the per-step rewards the reward returned for the whole solution
 * (RewardResult.steps, one per input step).
 */
function stepScores(item: EvalItem, scores: ItemScores): number[] | string {
  const n = item.candidates[item.candidates.length - 1].steps?.length ?? 0;
  if (item.candidates.length > 1 || item.candidates[0].key.startsWith("prefix")) {
    const out: number[] = [];
    for (let k = 0; k < item.candidates.length; k++) {
      const r = scores.reward(k);
      if (r === null) return `${item.candidates[k].key} was not scored`;
      out.push(r);
    }
    return out;
  }
  if (scores.reward(0) === null) return "the solution was not scored";
  const steps = scores.steps(0);
  if (!steps) return `the reward returned no per-step rewards (a process reward returns "steps": one {reward} per input step; or score each prefix with --step-scores prefix)`;
  if (steps.length !== n) return `the reward returned ${steps.length} step rewards for ${n} steps`;
  const out: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (typeof s !== "number" || !Number.isFinite(s)) return `step ${i + 1}'s reward is not a number`;
    out.push(s);
  }
  return out;
}

/**
 * ProcessBench (QwenLM/ProcessBench code/run_eval_prm_*.py): the prediction is the first step
 * scored below `threshold` (-1 if none); an item is right when the prediction equals the label.
 * error_acc: accuracy on solutions with an error (label >= 0), correct_acc: on correct solutions
 * (label -1), f1: their harmonic mean 2·e·c/(e+c) (0 when both are 0).
 */
export function processBenchMetric(threshold: number): FormatMetric<ProcessBenchOutcome> {
  return {
    headline: "f1",
    outcome(item, scores) {
      const steps = stepScores(item, scores);
      if (typeof steps === "string") return steps;
      return { label: item.label as number, steps };
    },
    aggregate(os) {
      const err: number[] = [];
      const cor: number[] = [];
      for (const o of os) (o.label === -1 ? cor : err).push(firstBelow(o.steps, threshold) === o.label ? 1 : 0);
      const e = mean(err);
      const c = mean(cor);
      const f1 = Number.isNaN(e) || Number.isNaN(c) ? Number.NaN : e + c === 0 ? 0 : (2 * e * c) / (e + c);
      return { f1, error_acc: e, correct_acc: c, error_n: err.length, correct_n: cor.length };
    },
    failed: (o) => firstBelow(o.steps, threshold) !== o.label,
  };
}

/** Thresholds worth trying: midpoints between the distinct step scores (at most `max`, by quantile), and both ends. */
export function sweepThresholds(outcomes: readonly ProcessBenchOutcome[], max = 200): number[] {
  const values = [...new Set(outcomes.flatMap((o) => o.steps))].sort((a, b) => a - b);
  if (values.length === 0) return [];
  const cuts = [values[0] - 1];
  for (let i = 1; i < values.length; i++) cuts.push((values[i - 1] + values[i]) / 2);
  cuts.push(values[values.length - 1] + 1);
  if (cuts.length <= max) return cuts;
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(cuts[Math.round((k * (cuts.length - 1)) / (max - 1))]);
  return [...new Set(out)];
}
