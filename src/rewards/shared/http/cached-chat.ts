import { cacheKey, type ReplyCache } from "./cache.ts";
import { type ChatResponse, ChatClient } from "./client.ts";
import { openReplyCache } from "./endpoint.ts";
import type { ClientConfig, ClientStats } from "./json-client.ts";

/**
 * A chat client answered from a reply cache first (SQLite file or Redis, opened on first use):
 * re-scoring a file costs no calls. Without a cache path it only forwards to the server.
 */
export class CachedChat {
  cacheHits = 0;
  private readonly client: ChatClient;
  private readonly cachePath: string | undefined;
  private cache: ReplyCache | undefined;

  constructor(config: ClientConfig, cachePath: string | undefined) {
    this.client = new ChatClient(config);
    this.cachePath = cachePath;
  }

  /** Run totals for a reward's summary: requests, cache hits, tokens, retries, failures, peak concurrency. */
  totals(): Record<string, number> {
    const s: ClientStats = this.client.stats;
    return {
      requests: s.requests,
      cache_hits: this.cacheHits,
      prompt_tokens: s.promptTokens,
      completion_tokens: s.completionTokens,
      retries: s.retries,
      failed_requests: s.failures,
      max_in_flight: s.maxInFlight,
    };
  }

  /**
   * The reply to `body`: cached under the body and the sample index (self-consistency draws of the
   * same body are different entries); `keep` says which fresh replies are worth caching.
   */
  async complete(body: Record<string, unknown>, sample = 0, keep: (reply: ChatResponse) => boolean = () => true): Promise<ChatResponse> {
    if (this.cachePath === undefined) return this.client.complete(body);
    this.cache ??= openReplyCache(this.cachePath);
    const key = cacheKey(body, sample);
    const hit = await this.cache.get(key);
    if (hit) {
      this.cacheHits++;
      return hit;
    }
    const reply = await this.client.complete(body);
    if (keep(reply)) await this.cache.put(key, reply);
    return reply;
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.cache?.close();
    this.cache = undefined;
  }
}
