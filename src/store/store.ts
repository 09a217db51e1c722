import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Summary } from "../pipeline/summary.ts";
import type { RunInfo } from "./shapes.ts";

/** Where `rewardsmith score` records runs unless told otherwise: a git-ignored folder of the working directory. */
export const DEFAULT_STORE_DIR = ".rewardsmith";
export const STORE_FILE = "runs.sqlite";

/** The store folder: the flag's value, else $REWARDSMITH_STORE, else `.rewardsmith`. */
export function storeDir(flag?: string): string {
  return flag ?? (process.env.REWARDSMITH_STORE || DEFAULT_STORE_DIR);
}

/**
 * The run store: an embedded SQLite file with one row per run and, per record, its offsets into
 * the input and output JSONL plus the few columns the viewer filters on (status, reward, group,
 * id, length, component rewards). The records themselves are read from the JSONL when shown.
 */
export class RunStore {
  readonly db: DatabaseSync;
  readonly path: string;

  /** Open (creating) the store in `dir`, or an in-memory one for ":memory:". */
  constructor(dir: string = DEFAULT_STORE_DIR) {
    if (dir === ":memory:") this.path = ":memory:";
    else {
      mkdirSync(dir, { recursive: true });
      this.path = resolve(join(dir, STORE_FILE));
    }
    this.db = new DatabaseSync(this.path);
    this.db.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, source TEXT NOT NULL,
        spec_path TEXT, spec_sha256 TEXT, spec_text TEXT, input_path TEXT, input_sha256 TEXT,
        output_path TEXT NOT NULL, output_sha256 TEXT NOT NULL, records INTEGER NOT NULL,
        summary TEXT, components TEXT NOT NULL, fields TEXT NOT NULL, version TEXT NOT NULL, stats TEXT);
      CREATE TABLE IF NOT EXISTS records (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
        out_off INTEGER NOT NULL, out_len INTEGER NOT NULL, in_off INTEGER, in_len INTEGER,
        rid TEXT, status INTEGER NOT NULL, reward REAL, grp TEXT, clen INTEGER, advantage REAL,
        PRIMARY KEY (run_id, idx)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS records_reward ON records (run_id, reward);
      CREATE INDEX IF NOT EXISTS records_status ON records (run_id, status);
      CREATE INDEX IF NOT EXISTS records_grp ON records (run_id, grp);
      CREATE INDEX IF NOT EXISTS records_rid ON records (run_id, rid);
      CREATE TABLE IF NOT EXISTS components (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, idx INTEGER NOT NULL,
        status INTEGER NOT NULL, reward REAL, PRIMARY KEY (run_id, name, idx)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS components_reward ON components (run_id, name, reward);
    `);
  }

  runs(): RunInfo[] {
    return (this.db.prepare("SELECT id, name, created_at, source, spec_path, spec_sha256, spec_text, input_path, input_sha256, output_path, output_sha256, records, summary, components, fields, version FROM runs ORDER BY id DESC").all() as unknown as RunRow[]).map(toRunInfo);
  }

  run(id: number): RunInfo | undefined {
    const row = this.db.prepare("SELECT id, name, created_at, source, spec_path, spec_sha256, spec_text, input_path, input_sha256, output_path, output_sha256, records, summary, components, fields, version FROM runs WHERE id = ?").get(id) as unknown as RunRow | undefined;
    return row ? toRunInfo(row) : undefined;
  }

  /** Delete a run and its index (the JSONL files are left alone). */
  remove(id: number): boolean {
    return Number(this.db.prepare("DELETE FROM runs WHERE id = ?").run(id).changes) > 0;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

interface RunRow {
  id: number;
  name: string;
  created_at: string;
  source: string;
  spec_path: string | null;
  spec_sha256: string | null;
  spec_text: string | null;
  input_path: string | null;
  input_sha256: string | null;
  output_path: string;
  output_sha256: string;
  records: number;
  summary: string | null;
  components: string;
  fields: string;
  version: string;
}

function toRunInfo(r: RunRow): RunInfo {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    source: r.source,
    specPath: r.spec_path,
    specSha256: r.spec_sha256,
    specText: r.spec_text,
    inputPath: r.input_path,
    inputSha256: r.input_sha256,
    outputPath: r.output_path,
    outputSha256: r.output_sha256,
    records: r.records,
    summary: r.summary ? (JSON.parse(r.summary) as Summary) : null,
    components: JSON.parse(r.components) as string[],
    fields: JSON.parse(r.fields) as Record<string, string>,
    version: r.version,
  };
}
