/** The data a static report carries inline (read by the UI in place of the view server's API). */

export interface StaticRow {
  idx: number;
  id: string | null;
  status: string;
  reward: number | null;
  group: string | null;
  completionLength: number | null;
  advantage: number | null;
  components: Record<string, { status: string; reward: number | null }>;
  /** Lower-cased text the search box looks in. */
  search: string;
}

export interface StaticData {
  runs: unknown[];
  stats: Record<string, unknown>;
  records: Record<string, { total: number; rows: StaticRow[]; full: Record<string, unknown> }>;
  compare?: { a: number; b: number; summary: unknown; rows: Array<Record<string, unknown>>; different: Array<Record<string, unknown>> };
}
