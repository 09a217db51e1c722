/**
 * Redis-backed shared state of model-server clients, for several processes (serve replicas, CLI
 * runs, queue workers) calling one endpoint: a reply cache, a global token-bucket rate limit and
 * concurrency limit, and a shared circuit breaker. Each decision is one Lua script, so it is
 * atomic across processes. Only built when a spec asks for it (`cache: redis://...`, `global:`);
 * the default path never loads a Redis client.
 */
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createRequire } from "node:module";
import type { Redis } from "ioredis";
import type { Admission } from "./breaker.ts";
import type { ReplyCache } from "./cache.ts";
import type { ChatResponse } from "./client.ts";
import type { SharedEndpointState } from "./json-client.ts";

/** The key prefix of everything stored here. */
export const REDIS_PREFIX = "rewardsmith:";

export function isRedisUrl(s: string): boolean {
  return /^rediss?:\/\//.test(s);
}

interface Pooled {
  client: Redis;
  users: number;
}
const pool = new Map<string, Pooled>();

/** One connection per URL per process, shared by every client using it; released by the last user. */
function acquire(url: string): Redis {
  let p = pool.get(url);
  if (!p) {
    // Fail a command fast when Redis is away, instead of queueing it for minutes: a cache read
    // then counts as a miss, and a rate-limit check reports the error.
    // Loaded on first use: a spec without Redis never pays for the client.
    const { Redis: RedisClient } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    const client = new RedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 3000, commandTimeout: 3000, lazyConnect: false });
    client.on("error", () => {}); // reported by the failing commands
    defineScripts(client);
    p = { client, users: 0 };
    pool.set(url, p);
  }
  p.users++;
  return p.client;
}

async function release(url: string): Promise<void> {
  const p = pool.get(url);
  if (!p || --p.users > 0) return;
  pool.delete(url);
  await p.client.quit().catch(() => p.client.disconnect());
}

type Scripted = Redis & {
  rsLease(leases: string, maxConcurrency: number, lease: string, leaseTtlMs: number): Promise<number>;
  rsRate(bucket: string, intervalMs: number, burst: number): Promise<number>;
  rsAdmit(breaker: string, trial: string, threshold: number, trialTtlMs: number): Promise<[number, number, string | null]>;
  rsOutcome(breaker: string, trial: string, ok: number, trialFlag: number, threshold: number, cooldownMs: number, reason: string): Promise<number>;
};

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

function defineScripts(client: Redis): void {
  // Global concurrency: a lease per request in flight, in a sorted set scored by its expiry (a
  // crashed process's leases lapse). Returns 0 when granted, else the ms to wait before asking again.
  client.defineCommand("rsLease", {
    numberOfKeys: 1,
    lua: `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 5 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 60000)
return 0`,
  });
  // Global rate: a token bucket kept as its "theoretical arrival time" (GCRA) on Redis's clock.
  // Each call reserves the next free send time and returns how many ms from now it is, so a
  // process sleeps once and never polls; a late wake-up does not lose the slot for the others.
  // `burst` requests may go back to back after a quiet spell.
  client.defineCommand("rsRate", {
    numberOfKeys: 1,
    lua: `${NOW}
local interval = tonumber(ARGV[1]); local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local t = math.max(tat, now - (burst - 1) * interval)
local sendAt = math.max(t, now)
redis.call('SET', KEYS[1], tostring(t + interval), 'PX', math.ceil(t + interval - now + burst * interval) + 60000)
return math.ceil(sendAt - now)`,
  });
  // The circuit breaker's admission (same rules as CircuitBreaker, state in one hash):
  // {1, trial} may go; {0, ms until the trial, last error} refused (-1: a trial is in flight).
  client.defineCommand("rsAdmit", {
    numberOfKeys: 2,
    lua: `${NOW}
local f = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if f < tonumber(ARGV[1]) then return {1, 0, false} end
local last = redis.call('HGET', KEYS[1], 'last') or ''
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if now < openUntil then return {0, openUntil - now, last} end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', tonumber(ARGV[2])) then return {1, 1, false} end
return {0, -1, last}`,
  });
  client.defineCommand("rsOutcome", {
    numberOfKeys: 2,
    lua: `${NOW}
local trial = ARGV[2] == '1'
if trial then redis.call('DEL', KEYS[2]) end
if ARGV[1] == '1' then
  redis.call('HSET', KEYS[1], 'failures', 0)
  return 0
end
local f = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[5])
if trial or f == tonumber(ARGV[3]) then redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[4])) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + 3600000)
return f`,
  });
}

/**
 * Judge and reward-model replies in Redis, shared by every replica and run pointing at it
 * (`cache: redis://host:6379/0`; `?ttl=86400` expires entries after a day). Redis being away
 * costs calls, never results: a failed read is a miss, a failed write is dropped.
 */
export class RedisReplyCache<T = ChatResponse> implements ReplyCache<T> {
  private readonly url: string;
  private readonly client: Redis;
  private readonly ttlS: number | undefined;
  /** Reads and writes that failed because Redis could not be reached. */
  errors = 0;

  constructor(url: string) {
    const u = new URL(url);
    const ttl = u.searchParams.get("ttl");
    this.ttlS = ttl !== null && Number(ttl) > 0 ? Math.ceil(Number(ttl)) : undefined;
    u.search = "";
    this.url = u.toString();
    this.client = acquire(this.url);
  }

  async get(key: string): Promise<T | undefined> {
    try {
      const v = await this.client.get(`${REDIS_PREFIX}reply:${key}`);
      return v === null ? undefined : (JSON.parse(v) as T);
    } catch {
      this.errors++;
      return undefined;
    }
  }

  async put(key: string, reply: T): Promise<void> {
    try {
      const k = `${REDIS_PREFIX}reply:${key}`;
      if (this.ttlS) await this.client.set(k, JSON.stringify(reply), "EX", this.ttlS);
      else await this.client.set(k, JSON.stringify(reply));
    } catch {
      this.errors++;
    }
  }

  close(): Promise<void> {
    return release(this.url);
  }
}

export interface GlobalLimits {
  /** redis://host:port/db */
  redis: string;
  /** The shared state's name (default: the endpoint's base URL). */
  key: string;
  /** Requests per second across all processes; undefined: no rate limit. */
  requestsPerS?: number;
  /** Token bucket size (requests that may go at once after a quiet spell); default 1. */
  burst?: number;
  /** Requests in flight across all processes; undefined: no global concurrency limit. */
  maxConcurrency?: number;
  /** Share the circuit breaker's state (one replica's failures open it for all). */
  breaker: boolean;
  breakerFailures: number;
  breakerCooldownMs: number;
  /** A lease outlives a crashed holder by at most this (the request timeout plus a margin). */
  leaseTtlMs: number;
}

/** The global limits and breaker of one endpoint, in Redis. */
export class RedisEndpointState implements SharedEndpointState {
  readonly sharedBreaker: boolean;
  private readonly o: GlobalLimits;
  private readonly client: Scripted;
  private readonly keys: { bucket: string; leases: string; breaker: string; trial: string };
  private closed = false;

  constructor(o: GlobalLimits) {
    this.o = o;
    this.sharedBreaker = o.breaker;
    this.client = acquire(o.redis) as Scripted;
    const id = createHash("sha256").update(o.key).digest("hex").slice(0, 24);
    const base = `${REDIS_PREFIX}endpoint:${id}:`;
    this.keys = { bucket: `${base}bucket`, leases: `${base}leases`, breaker: `${base}breaker`, trial: `${base}trial` };
  }

  async slot(): Promise<() => void> {
    const maxc = this.o.maxConcurrency ?? 0;
    let done = () => {};
    if (maxc > 0) {
      // First a place among the requests in flight, then the rate's send time (held meanwhile).
      const lease = randomUUID();
      for (;;) {
        const wait = await this.client.rsLease(this.keys.leases, maxc, lease, this.o.leaseTtlMs);
        if (wait === 0) break;
        // A little jitter, so that waiting processes do not ask in lockstep.
        await sleep(wait * (1 + Math.random()));
      }
      done = () => {
        if (!this.closed) this.client.zrem(this.keys.leases, lease).catch(() => {});
      };
    }
    if (this.o.requestsPerS !== undefined) {
      try {
        const delay = await this.client.rsRate(this.keys.bucket, 1000 / this.o.requestsPerS, this.o.burst ?? 1);
        if (delay > 0) await sleep(delay);
      } catch (err) {
        done();
        throw err;
      }
    }
    return done;
  }

  async admit(): Promise<Admission> {
    const [ok, wait, last] = await this.client.rsAdmit(this.keys.breaker, this.keys.trial, this.o.breakerFailures, this.o.leaseTtlMs);
    if (ok === 1) return { ok: true, trial: wait === 1 };
    const next = wait < 0 ? "a trial request is in flight" : `next try in ${Math.max(0, Math.ceil(wait / 1000))} s`;
    return { ok: false, reason: `circuit open (shared) after ${this.o.breakerFailures} consecutive failed requests (last: ${last ?? ""}); ${next}` };
  }

  async success(trial: boolean): Promise<void> {
    await this.client.rsOutcome(this.keys.breaker, this.keys.trial, 1, trial ? 1 : 0, this.o.breakerFailures, this.o.breakerCooldownMs, "").catch(() => {});
  }

  async failure(reason: string, trial: boolean): Promise<void> {
    await this.client.rsOutcome(this.keys.breaker, this.keys.trial, 0, trial ? 1 : 0, this.o.breakerFailures, this.o.breakerCooldownMs, reason.slice(0, 300)).catch(() => {});
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return release(this.o.redis);
  }
}
