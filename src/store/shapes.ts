import type { Summary } from "../pipeline/summary.ts";
import type { PairedStats } from "./paired.ts";

/*
 * What the run store hands out: runs, record rows, run statistics, comparisons, and the record
 * filter. The view API sends these as JSON. No Node imports, so the dashboard (src/view/ui)
 * type-checks against the same shapes.
 */

export const STATUSES = ["ok", "unscorable", "error"] as const;

/** What is known about a recorded run. Records stay in the output JSONL; the store keeps their offsets. */
export interface RunInfo {
  id: number;
  name: string;
  createdAt: string;
  /** The command that made it: score, view (result files opened directly), report ... */
  source: string;
  specPath: string | null;
  specSha256: string | null;
  /** The spec's text as it was when the run was scored (specs are small; files change). */
  specText: string | null;
  inputPath: string | null;
  inputSha256: string | null;
  outputPath: string;
  outputSha256: string;
  records: number;
  summary: Summary | null;
  /** Names of the components seen in the output records. */
  components: string[];
  /** Spec field renames, to read the prompt and completion of an input record. */
  fields: Record<string, string>;
  version: string;
}

/** A run as the run list sends it: without its spec text. */
export type ListedRun = Omit<RunInfo, "specText">;

export function listedRun({ specText: _s, ...run }: RunInfo): ListedRun {
  return run;
}

/** One record's indexed columns (what the table filters on). */
export interface RecordRow {
  idx: number;
  id: string | null;
  status: "ok" | "unscorable" | "error";
  reward: number | null;
  group: string | null;
  /** Characters of the completion text; null without an input file. */
  completionLength: number | null;
  advantage: number | null;
}

export interface RecordFilter {
  status?: "ok" | "unscorable" | "error";
  /** Reward range (inclusive), on the record's reward or, with `component`, on that component's. */
  min?: number;
  max?: number;
  /** Filter on this component: `status`, `min` and `max` then apply to it. */
  component?: string;
  /** Text in the input or output line (prompt, completion, id, reasons ...): as typed, lower case, UPPER CASE or Capitalized. */
  text?: string;
  group?: string;
}

export interface Page {
  offset: number;
  limit: number;
}

export interface RecordPage {
  total: number;
  offset: number;
  rows: RecordRow[];
}

export interface Histogram {
  /** Lower edges; bin i is [edges[i], edges[i + 1]) and the last one includes its upper edge. */
  edges: number[];
  counts: number[];
}

export interface GroupRow {
  group: string;
  size: number;
  ok: number;
  mean: number | null;
  std: number | null;
  meanAdvantage: number | null;
}

export interface RunStats {
  run: RunInfo;
  status: Record<string, number>;
  histogram: Histogram | null;
  components: Array<{ name: string; status: Record<string, number>; mean: number | null; histogram: Histogram | null }>;
  /** Up to 4000 (query.ts SCATTER_POINTS) evenly spaced ok records: [completion length, reward]. */
  lengthScatter: Array<[number, number]>;
  groups: { count: number; zeroVariance: number; singletons: number; withAdvantage: number; largestStd: GroupRow[]; zeroVarianceSample: GroupRow[] };
  /** Judge and other reward totals from the run summary (`<reward>.<metric>`). */
  usage: Record<string, number>;
}

export interface ShownRecord {
  row: RecordRow;
  output: unknown;
  input: unknown;
  /** The prompt and completion as the spec reads them (after field renames), when the input is known. */
  prompt: unknown;
  completion: unknown;
  /** The completion as plain text: the text `segments` offsets point into. */
  completionText: string | null;
  promptText: string | null;
}

export interface CompareSummary {
  a: number;
  b: number;
  /** Records present in both runs (joined by record id). */
  paired: number;
  onlyA: number;
  onlyB: number;
  /** Records without an id cannot be paired. */
  withoutId: { a: number; b: number };
  changedReward: number;
  changedStatus: number;
  /** Status transitions, "ok→error": count. */
  transitions: Record<string, number>;
  stats: PairedStats;
  /** Up to 4000 evenly spaced pairs where both are ok: [old reward, new reward]. */
  scatter: Array<[number, number]>;
}

export interface CompareRow {
  id: string;
  idxA: number;
  idxB: number;
  statusA: string;
  statusB: string;
  rewardA: number | null;
  rewardB: number | null;
}
