import type { AgreementReport } from "./compare.ts";
import type { MetricDefinition } from "./definitions.ts";
import type { ReliabilityBin } from "./metrics/pointwise.ts";
import type { EvalFormat, EvalItem, Malformed } from "./types.ts";

/*
 * What an evaluation produces: eval.json, the items.jsonl lines, and the data the report page
 * reads. No Node imports, so the report page (ui/) type-checks against the same shapes.
 */

export interface SubsetResult {
  name: string;
  items: number;
  unscored: number;
  metrics: Record<string, number | null>;
  ci: [number, number] | null;
  length_only: number | null;
  shortest_only: number | null;
}

/** The per-item line of items.jsonl. */
export interface ItemResult {
  line: number;
  id: string;
  subset: string;
  status: "scored" | "unscored";
  reason?: string;
  failed?: boolean;
  outcome?: Record<string, unknown>;
  candidates: Array<{ key: string; reward: number | null; status: string; reason?: string; length: number; compare_reward?: number | null }>;
}

/** The whole evaluation: what eval.json holds. */
export interface EvalResult {
  version: 1;
  format: EvalFormat;
  input: string | null;
  spec: string | null;
  compare_spec: string | null;
  headline: { metric: string; value: number | null; ci: [number, number] | null; definition: MetricDefinition };
  counts: { records: number; malformed: number; items: number; scored: number; unscored: number; candidates: number; candidates_ok: number; candidates_unscorable: number; candidates_error: number };
  overall: Record<string, number | null>;
  sections?: Record<string, number>;
  subsets: SubsetResult[];
  controls: { length_only: number | null; shortest_only: number | null };
  diagnostics: {
    length_correlation: { pearson: number | null; spearman: number | null; candidates: number };
    reliability?: ReliabilityBin[];
    threshold?: { chosen: number; best: number | null; best_value: number | null; sweep: Array<{ threshold: number; value: number | null }> };
    /**
     * Order effects: JudgeBench's share of pairs whose two orders decide differently, and the pairs
     * a pairwise judge (mode: pairwise, which judges both orders itself) decided differently by order.
     */
    position: { inconsistency: number | null; judge_position_disagreements: number | null };
    reward_summary: Record<string, number>;
  };
  compare?: AgreementReport & { headline: number | null };
  /** Every value above under one flat name, for --fail-under. */
  flat: Record<string, number>;
  unscored_reasons: Record<string, number>;
  malformed: Malformed[];
  definitions: Record<string, MetricDefinition>;
  settings: { threshold: number; step_scores: string; bootstrap: number; seed: number };
  wall_seconds: number;
}

export interface Evaluation {
  result: EvalResult;
  items: ItemResult[];
  /** Items whose outcome counts as a failure, with their texts (for the report). */
  failures: Array<{ item: EvalItem; result: ItemResult }>;
}

/** What the report page reads (inlined as JSON). */
export interface EvalReportData {
  result: Evaluation["result"];
  /** Up to 2,000 scored candidates as [length, reward, chosen?] for the length scatter. */
  points: Array<[number, number, number]>;
  failures: Array<{ id: string; subset: string; line: number; prompt: string; candidates: Array<{ key: string; text: string; reward: number | null; status: string }> }>;
}
