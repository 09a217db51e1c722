import type { Reward, RewardContext } from "../../../core/reward.ts";
import type { Sample, RewardResult } from "../../../core/types.ts";
import { cacheKey, type ReplyCache } from "./cache.ts";
import { clientConfig, type EndpointConnection, endpointApiKey, openReplyCache, replyCachePath } from "./endpoint.ts";
import { EndpointRequestError, JsonClient, type Parsed } from "./json-client.ts";

/**
 * One model server as a reward sees it: the shared JsonClient (timeouts, retries, breaker,
 * concurrency, usage), an optional reply cache keyed per item, and batching of many items per
 * request. Reward models, PRMs and the teacher-forcing adapter build on it.
 */
export class ModelEndpoint {
  readonly http: JsonClient;
  /** The server's origin plus any path before a trailing /v1 (vLLM's /pooling, SGLang's /generate, TEI's /predict live there). */
  readonly root: string;
  private readonly cachePath: string | undefined;
  private cache: ReplyCache<unknown> | undefined;
  cacheHits = 0;

  constructor(o: EndpointConnection, context: Pick<RewardContext, "specDir" | "flags">) {
    this.http = new JsonClient(clientConfig(o, endpointApiKey(o)));
    this.root = o.base_url.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.cachePath = context.flags?.noCache ? undefined : replyCachePath(o.cache, context.specDir);
  }

  /**
   * A route's URL: an absolute URL as it is; otherwise appended to the server root (`atRoot`:
   * routes that live beside /v1, like vLLM's /pooling, SGLang's /generate, TEI's /predict) or
   * to base_url as written (OpenAI-style routes such as /completions).
   */
  url(path: string, atRoot: boolean): string {
    if (/^https?:\/\//.test(path)) return path;
    return atRoot ? `${this.root}${path.startsWith("/") ? "" : "/"}${path}` : this.http.url(path);
  }

  post<T>(url: string, body: Record<string, unknown>, what: string, parse: (json: unknown, raw: string) => Parsed<T>): Promise<T> {
    return this.http.post(url, body, { what, parse });
  }

  /**
   * Score items in batches of `batchSize` (all batches in flight at once, bounded by the
   * client's concurrency), each item's answer cached under `keyOf(item)`. Resolves with one entry
   * per item: its value, or the error of its batch.
   */
  async batched<I, O>(items: readonly I[], batchSize: number, keyOf: ((item: I) => unknown) | undefined, send: (batch: I[]) => Promise<O[]>): Promise<Array<{ value: O } | { error: string }>> {
    const out = new Array<{ value: O } | { error: string }>(items.length);
    const keys: Array<string | undefined> = new Array(items.length);
    const todo: number[] = [];
    if (this.cachePath && keyOf) this.cache ??= openReplyCache<unknown>(this.cachePath);
    const cache = this.cache;
    // All lookups at once: one round trip's wait for a Redis cache, none for the SQLite file.
    const hits = cache && keyOf ? await Promise.all(items.map((item, i) => cache.get((keys[i] = cacheKey({ item: keyOf(item) }, 0))))) : undefined;
    for (let i = 0; i < items.length; i++) {
      if (hits) {
        const hit = hits[i];
        if (hit !== undefined) {
          this.cacheHits++;
          out[i] = { value: hit as O };
          continue;
        }
      }
      todo.push(i);
    }
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < todo.length; start += batchSize) {
      const idx = todo.slice(start, start + batchSize);
      jobs.push(
        send(idx.map((i) => items[i])).then(
          (values) => {
            idx.forEach((i, j) => {
              out[i] = { value: values[j] };
              if (keys[i] !== undefined) this.cache?.put(keys[i]!, values[j]);
            });
          },
          async (err: unknown) => {
            const message = err instanceof Error ? err.message : String(err);
            // A request the server refused (4xx: one input too long, one malformed) is sent again
            // one item at a time, so one bad record does not fail its batch-mates.
            if (idx.length > 1 && err instanceof EndpointRequestError && err.status !== undefined && err.status >= 400 && err.status < 500) {
              await Promise.all(
                idx.map((i) =>
                  send([items[i]]).then(
                    ([value]) => {
                      out[i] = { value };
                      if (keys[i] !== undefined) this.cache?.put(keys[i]!, value);
                    },
                    (e: unknown) => void (out[i] = { error: e instanceof Error ? e.message : String(e) }),
                  ),
                ),
              );
              return;
            }
            for (const i of idx) out[i] = { error: message };
          },
        ),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  summary(): Record<string, number> {
    const s = this.http.stats;
    return { requests: s.requests, cache_hits: this.cacheHits, retries: s.retries, failed_requests: s.failures, max_in_flight: s.maxInFlight, prompt_tokens: s.promptTokens };
  }

  async close(): Promise<void> {
    const cache = this.cache;
    this.cache = undefined;
    await Promise.all([this.http.close(), cache?.close()]);
  }
}

/** A reward backed by one model endpoint (or none): its run totals and its close are the endpoint's. */
export function endpointReward(context: Pick<RewardContext, "name" | "type">, endpoint: ModelEndpoint | undefined, score: (samples: readonly Sample[]) => Promise<RewardResult[]>): Reward {
  return { name: context.name, type: context.type, score, summary: () => endpoint?.summary() ?? {}, close: () => endpoint?.close() };
}

/** A short description of a JSON value for "expected X, found Y" messages. */
export function found(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return `an object with keys ${Object.keys(value).slice(0, 6).join(", ") || "(none)"}`;
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}
