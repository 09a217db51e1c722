import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { UsageError } from "../core/errors.ts";
import { StreamIoError } from "../pipeline/stream.ts";

/** The key prefix of every BullMQ key rewardsmith writes (`rewardsmith:<queue>:...`). */
export const QUEUE_PREFIX = "rewardsmith";

/** What travels in a chunk job. */
export interface ChunkJobData {
  run: string;
  index: number;
  firstLine: number;
  /** The chunk's input lines; null for a line that is not UTF-8. */
  lines: Array<string | null>;
  /** sha256 of the spec file the coordinator read (a worker with another spec refuses the job). */
  spec: string;
}

/** The BullMQ connection options for a redis:// or rediss:// URL (db from the path: redis://host:6379/0). */
export function redisConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue expects a Redis URL such as redis://127.0.0.1:6379/0, found ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") throw new UsageError(`--queue expects a redis:// or rediss:// URL, found ${JSON.stringify(url)}`);
  if (parsed.pathname !== "" && parsed.pathname !== "/" && !/^\/\d+$/.test(parsed.pathname)) throw new UsageError(`the Redis database in ${JSON.stringify(url)} must be a number (redis://host:port/0)`);
  // Workers block on Redis: BullMQ requires that ioredis never gives up on a command.
  return { url, maxRetriesPerRequest: null };
}

/** sha256 (hex) of a spec file's bytes: coordinator and workers must score with the same spec. */
export function specHash(specPath: string): string {
  return createHash("sha256").update(readFileSync(specPath)).digest("hex");
}

/**
 * The queue of a spec: one queue per spec content, so that workers started with one spec only
 * ever take chunks of runs of that spec (several specs can share one Redis).
 */
export function queueName(hash: string): string {
  return `score-${hash.slice(0, 16)}`;
}

/** A chunk's job id: the same run and index always name the same job, so adding it again is a no-op. */
export function chunkJobId(run: string, index: number): string {
  return `${run}-${index}`;
}

/** Fail at once, with one line, when Redis cannot be reached at start (BullMQ would retry forever). */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  redisConnection(url);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null, enableOfflineQueue: false });
  let cause: Error | undefined;
  client.on("error", (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new StreamIoError(`cannot reach the queue's Redis at ${redactUrl(url)}: ${(cause ?? (err as Error)).message}`);
  } finally {
    client.disconnect();
  }
}

/** A Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
