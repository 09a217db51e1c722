import { isAbsolute, resolve } from "node:path";
import { DEFAULT_CACHE_FILE } from "../shared/http/cache.ts";
import { ChatClient } from "../shared/http/client.ts";

/** The connection fields every judge mode shares (options.ts describes them). */
export interface JudgeConnection {
  base_url: string;
  timeout_s: number;
  retries: number;
  backoff_s: number;
  max_concurrency: number;
  breaker: { failures: number; cooldown_s: number };
  cache: boolean | string;
}

/** The HTTP client of a judge, from its options. */
export function judgeClient(o: JudgeConnection, apiKey: string | undefined): ChatClient {
  return new ChatClient({
    baseUrl: o.base_url,
    apiKey,
    timeoutMs: o.timeout_s * 1000,
    retries: o.retries,
    backoffMs: o.backoff_s * 1000,
    maxConcurrency: o.max_concurrency,
    breakerFailures: o.breaker.failures,
    breakerCooldownMs: o.breaker.cooldown_s * 1000,
  });
}

/** Where a judge's reply cache lives: the default file, a path relative to the spec, or none. */
export function judgeCachePath(cache: boolean | string, specDir: string): string | undefined {
  return cache === false ? undefined : cache === true ? resolve(DEFAULT_CACHE_FILE) : isAbsolute(cache) ? cache : resolve(specDir, cache);
}
