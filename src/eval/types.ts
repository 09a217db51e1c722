import type { Status, Step, Text } from "../core/types.ts";

/** The benchmark layouts `rewardsmith eval` reads (docs/eval.md, "Formats"). */
export const FORMATS = ["pairwise", "best_of_4", "rm_bench", "judgebench", "processbench", "pointwise"] as const;
export type EvalFormat = (typeof FORMATS)[number];

/** One response to score: an entry of `chosen` / `rejected`, response A or B, a solution, a completion. */
export interface Candidate {
  /** Where it came from in the record: "chosen[0]", "rejected[2]", "A", "solution", "prefix[3]" ... */
  key: string;
  completion: Text;
  /** ProcessBench: the solution's steps, given to the reward as `Sample.steps` ({reward: null, text}). */
  steps?: Step[];
  /** Candidates of one trial are scored in one group (a pairwise judge compares them); default 0. */
  trial?: number;
}

/** One benchmark item (one input record) as read by its format's reader. */
export interface EvalItem {
  /** 1-based line (JSONL) or array position (JSON) of the record. */
  line: number;
  id: string;
  subset: string;
  prompt?: Text;
  candidates: Candidate[];
  /** pairwise, best_of_4, rm_bench: how many of the first candidates are chosen (the rest are rejected). */
  chosen?: number;
  /** judgebench: "A>B" | "B>A"; processbench: first wrong step (0-based) or -1; pointwise: 0 or 1. */
  label?: string | number;
  /** Extra fields of the record (kept in the sample's meta and in items.jsonl). */
  meta?: Record<string, unknown>;
}

/** The reward's verdict on one candidate. */
export interface CandidateScore {
  reward: number | null;
  status: Status;
  reason?: string;
  steps?: Step[];
}

/** A line that could not be used: reported and counted, never fatal. */
export interface Malformed {
  line: number;
  reason: string;
}

/**
 * What a format's metric module computes. `outcome` turns one item's candidate scores into the
 * numbers the metric averages (or a reason the item is unscored); `aggregate` turns the outcomes
 * of a subset (or of a bootstrap resample) into named metrics, `headline` among them.
 */
export interface FormatMetric<O> {
  /** The name of the headline metric in `aggregate`'s result. */
  headline: string;
  outcome(item: EvalItem, scores: ItemScores): O | string;
  aggregate(outcomes: readonly O[]): Record<string, number>;
  /**
   * When the headline is the mean of a per-item value (most metrics), that value: bootstrap
   * intervals then resample numbers instead of re-aggregating outcomes. Undefined: not linear.
   */
  value?(outcome: O): number | undefined;
  /** Whether the outcome counts as a failure (for the failure examples). */
  failed(outcome: O): boolean;
}

/** An item's scores as a metric reads them: a candidate's reward (null: not scored) and its step scores. */
export interface ItemScores {
  reward(candidate: number): number | null;
  /** The per-step scores of a candidate, when the reward returned them (RewardResult.steps). */
  steps(candidate: number): Array<number | null> | undefined;
}
