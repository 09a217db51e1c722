/** The run store: recorded scoring runs, indexed by offset into their JSONL files (node:sqlite). */
export { DEFAULT_STORE_DIR, RunStore, STORE_FILE, storeDir, type RecordRow, type RunInfo } from "./store.ts";
export { recordRun, type RecordRunOptions } from "./record.ts";
export { RunQuery, type GroupRow, type Histogram, type Page, type RecordFilter, type RecordPage, type RunStats, type ShownRecord } from "./query.ts";
export { compareRuns, comparedRecords, type CompareRow, type CompareSummary } from "./compare.ts";
export { pairedStats, signTestP, type PairedStats } from "./paired.ts";
