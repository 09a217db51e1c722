/** Messages between the SQL reward and its query processes (runner.ts). */

/** A database: a file opened read-only, or an in-memory one built from DDL and rows. */
export type DbSource = { path: string } | { schema: string; rows?: Record<string, unknown[]> };

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
  | { id: number; ok: true; rows: unknown[][]; truncated: boolean; schema: SchemaNames }
  /**
   * db: the database cannot be opened or built; sql: the query fails (syntax, unknown column ...);
   * denied: the query is not read-only; timeout: it ran past the limit; crash: the process died.
   */
  | { id: number; ok: false; kind: "db" | "sql" | "denied" | "timeout" | "crash"; message: string };

export function dbKey(db: DbSource): string {
  return "path" in db ? `path:${db.path}` : `mem:${JSON.stringify([db.schema, db.rows ?? null])}`;
}
