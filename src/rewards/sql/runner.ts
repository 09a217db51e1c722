/**
 * A query process of the SQL reward (started by pool.ts with an IPC channel). It opens databases
 * read-only (files with readOnly + query_only; in-memory ones are built, then switched to
 * query_only), allows only reading actions through an authorizer, and answers one query at a time.
 * The parent kills it when a query runs past its time limit: a running SQLite step cannot be
 * interrupted from JavaScript, not even by terminating a worker thread.
 */
import { constants, DatabaseSync } from "node:sqlite";
import { dbKey, type DbSource, MAX_RESULT_BYTES, type QueryReply, type QueryRequest, type SchemaNames } from "./protocol.ts";

const READING = new Set([constants.SQLITE_SELECT, constants.SQLITE_READ, constants.SQLITE_FUNCTION, constants.SQLITE_RECURSIVE]);
const ACTION_NAMES: Record<number, string> = {
  1: "CREATE INDEX", 2: "CREATE TABLE", 3: "CREATE TEMP INDEX", 4: "CREATE TEMP TABLE", 5: "CREATE TEMP TRIGGER",
  6: "CREATE TEMP VIEW", 7: "CREATE TRIGGER", 8: "CREATE VIEW", 9: "DELETE", 10: "DROP INDEX", 11: "DROP TABLE",
  12: "DROP TEMP INDEX", 13: "DROP TEMP TABLE", 14: "DROP TEMP TRIGGER", 15: "DROP TEMP VIEW", 16: "DROP TRIGGER",
  17: "DROP VIEW", 18: "INSERT", 19: "PRAGMA", 22: "TRANSACTION", 23: "UPDATE", 24: "ATTACH", 25: "DETACH",
  26: "ALTER TABLE", 27: "REINDEX", 28: "ANALYZE", 29: "CREATE VTABLE", 30: "DROP VTABLE", 32: "SAVEPOINT",
};
const MAX_OPEN = 16;

interface OpenDb {
  db: DatabaseSync;
  schema: SchemaNames;
}

const open = new Map<string, OpenDb>();
let denied: string | undefined;

function schemaOf(db: DatabaseSync): SchemaNames {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  const columns = new Set<string>();
  for (const t of tables) {
    for (const c of db.prepare("SELECT name FROM pragma_table_info(?)").all(t.name) as Array<{ name: string }>) columns.add(c.name.toLowerCase());
  }
  return { tables: tables.map((t) => t.name.toLowerCase()), columns: [...columns] };
}

/** Double-quoted string literals are on, as in the sqlite3 shell: Spider/BIRD gold queries use them. */
function build(source: DbSource): DatabaseSync {
  if ("path" in source) return new DatabaseSync(source.path, { readOnly: true, enableDoubleQuotedStringLiterals: true });
  const db = new DatabaseSync(":memory:", { enableDoubleQuotedStringLiterals: true });
  try {
    db.exec(source.schema);
    for (const [table, rows] of Object.entries(source.rows ?? {})) insertRows(db, table, rows);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Rows are objects (column -> value) or arrays (values in column order). */
function insertRows(db: DatabaseSync, table: string, rows: unknown[]): void {
  const quoted = `"${table.replaceAll('"', '""')}"`;
  for (const row of rows) {
    let columns: string[] | undefined;
    let values: unknown[];
    if (Array.isArray(row)) values = row;
    else if (row !== null && typeof row === "object") {
      columns = Object.keys(row);
      values = Object.values(row);
    } else throw new Error(`a row of ${table} must be an object or an array`);
    const cols = columns ? `(${columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(", ")})` : "";
    const sqlValues = values.map((v) => (typeof v === "boolean" ? Number(v) : v));
    db.prepare(`INSERT INTO ${quoted}${cols} VALUES (${values.map(() => "?").join(", ")})`).run(...(sqlValues as Array<string | number | null>));
  }
}

function getDb(source: DbSource): OpenDb {
  const key = dbKey(source);
  const hit = open.get(key);
  if (hit) {
    open.delete(key);
    open.set(key, hit);
    return hit;
  }
  const db = build(source);
  const entry = { db, schema: schemaOf(db) };
  db.exec("PRAGMA query_only = ON");
  db.setAuthorizer((action, arg1) => {
    if (READING.has(action)) return constants.SQLITE_OK;
    denied = `${ACTION_NAMES[action] ?? `action ${action}`}${typeof arg1 === "string" ? ` ${arg1}` : ""}`;
    return constants.SQLITE_DENY;
  });
  open.set(key, entry);
  if (open.size > MAX_OPEN) {
    const [oldest, old] = open.entries().next().value!;
    open.delete(oldest);
    old.db.close();
  }
  return entry;
}

function run(req: QueryRequest): QueryReply {
  let entry: OpenDb;
  try {
    entry = getDb(req.db);
  } catch (err) {
    return { id: req.id, ok: false, kind: "db", message: (err as Error).message };
  }
  denied = undefined;
  try {
    const stmt = entry.db.prepare(req.sql);
    stmt.setReturnArrays(true);
    // 64-bit integers arrive whole (as BigInt) instead of failing beyond 2^53.
    stmt.setReadBigInts(true);
    const rows: unknown[][] = [];
    let truncated: false | "rows" | "bytes" = false;
    let bytes = 0;
    for (const row of stmt.iterate() as Iterable<unknown[]>) {
      if (rows.length === req.maxRows) {
        truncated = "rows";
        break;
      }
      for (const v of row) bytes += typeof v === "string" ? v.length : v instanceof Uint8Array ? v.byteLength : 8;
      if (bytes > MAX_RESULT_BYTES) {
        truncated = "bytes";
        break;
      }
      rows.push(row);
    }
    return { id: req.id, ok: true, rows, truncated, schema: entry.schema };
  } catch (err) {
    if (denied !== undefined) return { id: req.id, ok: false, kind: "denied", message: `not a read-only query (${denied})` };
    return { id: req.id, ok: false, kind: "sql", message: (err as Error).message };
  }
}

process.on("message", (req: QueryRequest) => process.send!(run(req)));
process.on("disconnect", () => process.exit(0));
process.send!({ ready: true });
