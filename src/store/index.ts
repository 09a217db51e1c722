/** The run store: recorded scoring runs, indexed by offset into their JSONL files (node:sqlite). */
export { DEFAULT_STORE_DIR, RunStore, STORE_FILE, storeDir } from "./store.ts";
export { recordRun, type RecordRunOptions } from "./record.ts";
export { RunQuery } from "./query.ts";
export { compareRuns, comparedRecords } from "./compare.ts";
export { pairedStats, signTestP, type PairedStats } from "./paired.ts";
export { parseFilter } from "./filters.ts";
export {
  type CompareRow,
  type CompareSummary,
  type GroupRow,
  type Histogram,
  listedRun,
  type ListedRun,
  type Page,
  type RecordFilter,
  type RecordPage,
  type RecordRow,
  type RunInfo,
  type RunStats,
  type ShownRecord,
} from "./shapes.ts";
