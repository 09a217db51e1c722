/** The data a static report carries inline (read by the UI in place of the view server's API). */

import type { CompareRow, CompareSummary, ListedRun, RecordRow, RunStats, ShownRecord } from "../store/shapes.ts";

export interface StaticRow extends RecordRow {
  components: Record<string, { status: string; reward: number | null }>;
  /** Lower-cased text the search box looks in. */
  search: string;
}

export interface StaticData {
  runs: ListedRun[];
  stats: Record<string, RunStats>;
  records: Record<string, { total: number; rows: StaticRow[]; full: Record<string, ShownRecord> }>;
  compare?: { a: number; b: number; summary: CompareSummary; rows: CompareRow[]; different: CompareRow[] };
}
