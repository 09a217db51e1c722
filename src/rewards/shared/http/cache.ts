import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { ChatResponse } from "./client.ts";

/** Where `cache: true` keeps judge replies, relative to the working directory (git-ignored). */
export const DEFAULT_CACHE_FILE = ".rewardsmith-cache/judge.sqlite";

/**
 * The cache key: a hash of the whole request (model, messages, sampling params, response format,
 * logprob settings) plus a sample index for self-consistency draws. The endpoint's URL is not
 * part of it, so the same model moved to another host keeps its cache.
 */
export function cacheKey(body: Record<string, unknown>, sample: number): string {
  return createHash("sha256").update(JSON.stringify([body, sample])).digest("hex");
}

/** A store of replies by request hash; the SQLite JudgeCache and the Redis one (redis.ts) implement it. */
export interface ReplyCache<T = ChatResponse> {
  get(key: string): T | undefined | Promise<T | undefined>;
  put(key: string, reply: T): void | Promise<void>;
  close(): void | Promise<void>;
}

/** A content-addressed store of model replies (judges' chat replies by default; reward models store their own shapes) in an embedded SQLite file: re-scoring a file costs no calls. */
export class JudgeCache<T = ChatResponse> implements ReplyCache<T> {
  private readonly db: DatabaseSync;
  private readonly getStmt: StatementSync;
  private readonly putStmt: StatementSync;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    this.db.exec("CREATE TABLE IF NOT EXISTS judge_replies (key TEXT PRIMARY KEY, reply TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID");
    this.getStmt = this.db.prepare("SELECT reply FROM judge_replies WHERE key = ?");
    this.putStmt = this.db.prepare("INSERT OR REPLACE INTO judge_replies (key, reply, created_at) VALUES (?, ?, ?)");
  }

  get(key: string): T | undefined {
    const row = this.getStmt.get(key) as { reply: string } | undefined;
    return row ? (JSON.parse(row.reply) as T) : undefined;
  }

  put(key: string, reply: T): void {
    this.putStmt.run(key, JSON.stringify(reply), Date.now());
  }

  close(): void {
    this.db.close();
  }
}
