import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_CACHE_FILE, JudgeCache, type ReplyCache } from "./cache.ts";
import type { ChatResponse } from "./client.ts";
import type { ClientConfig } from "./json-client.ts";
import { isRedisUrl, RedisEndpointState, RedisReplyCache } from "./redis.ts";

const positive = z.number().finite().positive();
const count = (min: number) => z.number().int().min(min);

/**
 * The connection fields of every reward that calls a model server (judges, reward models,
 * logprob rewards): spread into a type's options so they are described once.
 */
export const endpointFields = {
  base_url: z
    .string()
    .regex(/^https?:\/\/\S+$/, "an http(s) URL like http://127.0.0.1:8000/v1")
    .describe("API root of the server, e.g. http://127.0.0.1:8000/v1 (vLLM) or http://127.0.0.1:11434/v1 (Ollama)."),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name").optional().describe("Name of the environment variable holding the API key (sent as a Bearer token)."),
  max_concurrency: count(1).default(8).describe("Requests in flight at once to the server."),
  timeout_s: positive.default(60).describe("Seconds per request before it counts as failed (and is retried)."),
  retries: count(0).default(3).describe("Retries of a failed request (timeouts, 429, 5xx) before the record gets status error."),
  backoff_s: positive.default(0.5).describe("First retry delay; doubles on each attempt (a 429's Retry-After wins when longer)."),
  breaker: z
    .strictObject({
      failures: count(1).default(5).describe("Consecutive failed requests that open the circuit."),
      cooldown_s: positive.default(30).describe("Seconds the circuit stays open (records fail fast) before one request probes the server."),
    })
    .default({ failures: 5, cooldown_s: 30 })
    .describe("Circuit breaker: stop calling a server that keeps failing."),
  cache: z
    .union([z.boolean(), z.string().min(1)])
    .default(true)
    .describe("true: the default cache file; a path (relative to the spec); redis://host:6379/0 (optionally ?ttl=<seconds>): a cache shared by every replica and run using that Redis; false: no cache."),
  global: z
    .strictObject({
      redis: z.string().regex(/^rediss?:\/\/\S+$/, "a redis:// URL like redis://127.0.0.1:6379/0").describe("The Redis server holding the shared state, e.g. redis://redis:6379/0."),
      requests_per_s: positive.optional().describe("Requests per second to this endpoint summed over every process using this Redis (a token bucket; retries count)."),
      burst: count(1).default(1).describe("Requests that may go back to back after a quiet spell (the bucket's size)."),
      max_concurrency: count(1).optional().describe("Requests in flight at once to this endpoint over every process (max_concurrency stays the per-process bound)."),
      breaker: z.boolean().default(true).describe("Share the circuit breaker: failures seen by one process open the circuit for all."),
      key: z.string().min(1).optional().describe("Name of the shared state (default: base_url); rewards with the same key share one limit."),
    })
    .optional()
    .describe("Limits held across processes (serve replicas, queue workers, CLI runs) through Redis, so N replicas respect one provider limit; see docs/scale.md."),
};

/** The parsed connection fields. */
export interface EndpointConnection {
  base_url: string;
  api_key_env?: string;
  timeout_s: number;
  retries: number;
  backoff_s: number;
  max_concurrency: number;
  breaker: { failures: number; cooldown_s: number };
  cache: boolean | string;
  global?: { redis: string; requests_per_s?: number; burst: number; max_concurrency?: number; breaker: boolean; key?: string };
}

/** The API key named by `api_key_env`, read once when the reward is built. */
export function endpointApiKey(o: Pick<EndpointConnection, "api_key_env">): string | undefined {
  if (o.api_key_env === undefined) return undefined;
  const key = process.env[o.api_key_env];
  if (!key) throw new Error(`api_key_env: the environment variable ${o.api_key_env} is not set`);
  return key;
}

/** The HTTP client settings of a connection block. */
export function clientConfig(o: EndpointConnection, apiKey: string | undefined): ClientConfig {
  return {
    baseUrl: o.base_url,
    apiKey,
    timeoutMs: o.timeout_s * 1000,
    retries: o.retries,
    backoffMs: o.backoff_s * 1000,
    maxConcurrency: o.max_concurrency,
    breakerFailures: o.breaker.failures,
    breakerCooldownMs: o.breaker.cooldown_s * 1000,
    shared: o.global
      ? new RedisEndpointState({
          redis: o.global.redis,
          key: o.global.key ?? o.base_url,
          requestsPerS: o.global.requests_per_s,
          burst: o.global.burst,
          maxConcurrency: o.global.max_concurrency,
          breaker: o.global.breaker,
          breakerFailures: o.breaker.failures,
          breakerCooldownMs: o.breaker.cooldown_s * 1000,
          leaseTtlMs: o.timeout_s * 1000 + 5000,
        })
      : undefined,
  };
}

/** Where a reply cache lives: the default file, a path relative to the spec, or none. */
export function replyCachePath(cache: boolean | string, specDir: string): string | undefined {
  if (typeof cache === "string" && isRedisUrl(cache)) return cache; // not a path: the Redis URL itself
  return cache === false ? undefined : cache === true ? resolve(DEFAULT_CACHE_FILE) : isAbsolute(cache) ? cache : resolve(specDir, cache);
}

/** The reply cache at a replyCachePath: the SQLite file, or Redis for a redis:// URL. */
export function openReplyCache<T = ChatResponse>(where: string): ReplyCache<T> {
  return isRedisUrl(where) ? new RedisReplyCache<T>(where) : new JudgeCache<T>(where);
}
