/** Messages between the SQL reward and its query processes (runner.ts). */

/** A database: a file opened read-only, or an in-memory one built from DDL and rows. */
export type DbSource = { path: string } | { schema: string; rows?: Record<string, unknown[]> };

/**
 * Text and blob data read per query: a larger result is cut off. The parent holds the result and
 * its row keys at once, so an unbounded one (zeroblob, randomblob) could take gigabytes there.
 */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024;

export interface QueryRequest {
  id: number;
  db: DbSource;
  sql: string;
  maxRows: number;
}

export interface SchemaNames {
  tables: string[];
  columns: string[];
}

export type QueryReply =
  /** truncated: the result was cut off at maxRows rows or at MAX_RESULT_BYTES. */
  | { id: number; ok: true; rows: unknown[][]; truncated: false | "rows" | "bytes"; schema: SchemaNames }
  /**
   * db: the database cannot be opened or built; sql: the query fails (syntax, unknown column ...);
   * denied: the query is not read-only; timeout: it ran past the limit; crash: the process died.
   */
  | { id: number; ok: false; kind: "db" | "sql" | "denied" | "timeout" | "crash"; message: string };

export function dbKey(db: DbSource): string {
  return "path" in db ? `path:${db.path}` : `mem:${JSON.stringify([db.schema, db.rows ?? null])}`;
}
