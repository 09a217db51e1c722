import { setTimeout as sleep } from "node:timers/promises";
import { type Admission, CircuitBreaker } from "./breaker.ts";
import { Limiter } from "./limiter.ts";
import { excerpt } from "../../../core/text.ts";

export interface ClientConfig {
  /** API root, e.g. http://127.0.0.1:8000/v1; request paths are appended to it. */
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxConcurrency: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  /** State shared with other processes through Redis (global rate/concurrency limits, the breaker); none by default. */
  shared?: SharedEndpointState;
}

/** What JsonClient asks of a shared endpoint state (see RedisEndpointState). */
export interface SharedEndpointState {
  readonly sharedBreaker: boolean;
  /** Wait for a global slot for one request; call the returned function when the request ends. */
  slot(): Promise<() => void>;
  admit(): Promise<Admission>;
  success(trial: boolean): Promise<void>;
  failure(reason: string, trial: boolean): Promise<void>;
  close(): Promise<void>;
}

/** The longest a Retry-After header may make us wait. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A request to a model server that failed for good (after retries, or refused by the circuit breaker). */
export class EndpointRequestError extends Error {
  override name = "EndpointRequestError";
  /** The HTTP status of the last answer, when the server gave one. */
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** What a response parser makes of a 2xx JSON body: the value, or why the body is unusable. */
export type Parsed<T> = { value: T } | { error: string; retryable?: boolean };

export interface PostOptions<T> {
  /** Turns the decoded JSON body into the value, or says what is missing from it. */
  parse: (json: unknown, raw: string) => Parsed<T>;
  /**
   * Called on a 4xx/5xx: return another body to send once instead (e.g. without a field the
   * server rejects); the swap does not count as a retry.
   */
  fallback?: (status: number, raw: string, body: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** How errors name what was asked for ("judge request", "reward model request" ...). */
  what?: string;
}

interface Attempt<T> {
  value?: T;
  error?: string;
  status?: number;
  raw?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface ClientStats {
  requests: number;
  retries: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  inFlight: number;
  maxInFlight: number;
}

/**
 * A JSON-over-HTTP client for model servers (judges, generators, reward models): bounded
 * concurrency, per-request timeout, retries with exponential backoff on 429/5xx/network errors
 * (honouring Retry-After), a circuit breaker, and token usage accounting from OpenAI-style
 * `usage` blocks. Each endpoint's reply shape is the caller's `parse`.
 */
export class JsonClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, failures: 0, promptTokens: 0, completionTokens: 0, inFlight: 0, maxInFlight: 0 };
  readonly config: ClientConfig;
  private readonly root: string;
  private readonly limiter: Limiter;
  private readonly breaker: CircuitBreaker;

  constructor(config: ClientConfig) {
    this.config = config;
    this.root = config.baseUrl.replace(/\/+$/, "");
    this.limiter = new Limiter(config.maxConcurrency);
    this.breaker = new CircuitBreaker(config.breakerFailures, config.breakerCooldownMs);
  }

  /** The URL a path resolves to: appended to the API root, or as it is when absolute. */
  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.root}${path.startsWith("/") ? "" : "/"}${path}`;
  }

  /** POST a JSON body; resolves with the parsed value or rejects with an EndpointRequestError. */
  async post<T>(path: string, body: Record<string, unknown>, options: PostOptions<T>): Promise<T> {
    const what = options.what ?? "request";
    // Fail fast without queueing when the circuit is open; check again once a slot is free,
    // so requests queued behind a dying endpoint do not each wait for their own timeout.
    const early = this.breaker.refusal();
    if (early !== undefined) throw this.refuse(what, early);
    await this.limiter.acquire();
    const shared = this.config.shared;
    let admission: Admission;
    if (shared?.sharedBreaker) {
      try {
        admission = await shared.admit();
      } catch (err) {
        admission = { ok: false, reason: `the shared circuit state in Redis cannot be read: ${(err as Error).message}` };
      }
    } else admission = this.breaker.admit();
    if (!admission.ok) {
      this.limiter.release();
      throw this.refuse(what, admission.reason);
    }
    this.stats.inFlight++;
    if (this.stats.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.stats.inFlight;
    try {
      return await this.withRetries(this.url(path), body, options, what, admission.trial);
    } finally {
      this.stats.inFlight--;
      this.limiter.release();
    }
  }

  private refuse(what: string, reason: string): EndpointRequestError {
    this.stats.failures++;
    const name = what.replace(/ request$/, "");
    return new EndpointRequestError(`${name} endpoint ${this.config.baseUrl} unavailable: ${reason}`);
  }

  private async healthy(trial: boolean): Promise<void> {
    if (this.config.shared?.sharedBreaker) await this.config.shared.success(trial);
    else this.breaker.success(trial);
  }

  private async withRetries<T>(url: string, body: Record<string, unknown>, options: PostOptions<T>, what: string, trial: boolean): Promise<T> {
    let payload = body;
    let swapped = false;
    let last = "";
    let retried = 0;
    let refused = false;
    let status: number | undefined;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(url, payload, options.parse);
      if (result.error === undefined) {
        await this.healthy(trial);
        return result.value as T;
      }
      last = result.error;
      status = result.status;
      refused = result.status !== undefined && result.status >= 400 && result.status < 500 && !result.retryable;
      if (result.status !== undefined && result.status >= 400 && !swapped && options.fallback) {
        const other = options.fallback(result.status, result.raw ?? "", payload);
        if (other) {
          swapped = true;
          payload = other;
          attempt--;
          continue;
        }
      }
      if (!result.retryable || attempt >= this.config.retries) break;
      // A server that asks for a longer pause than we ever wait will not answer a retry either: fail now.
      if (result.retryAfterMs !== undefined && result.retryAfterMs > MAX_RETRY_AFTER_MS) {
        last += ` (the endpoint asked to retry after ${Math.round(result.retryAfterMs / 1000)} s, longer than the ${MAX_RETRY_AFTER_MS / 1000} s a retry waits)`;
        break;
      }
      if (trial || this.breaker.isOpen()) break;
      this.stats.retries++;
      retried++;
      const backoff = this.config.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
      await sleep(Math.max(backoff, result.retryAfterMs ?? 0));
    }
    // A 4xx other than 429 is this request's fault (too long, malformed): the server is up, so it
    // must not open the circuit for the requests that are fine.
    if (refused) await this.healthy(trial);
    else if (this.config.shared?.sharedBreaker) await this.config.shared.failure(last, trial);
    else this.breaker.failure(last, trial);
    this.stats.failures++;
    const tries = retried > 0 ? ` (after ${retried} retries)` : "";
    throw new EndpointRequestError(`${what} to ${url} failed${tries}: ${last}`, status);
  }

  private async attempt<T>(url: string, payload: Record<string, unknown>, parse: PostOptions<T>["parse"]): Promise<Attempt<T>> {
    const shared = this.config.shared;
    if (!shared) return this.send(url, payload, parse);
    // Every attempt (retries too) takes a slot of the endpoint's global rate and concurrency limit.
    let done: () => void;
    try {
      done = await shared.slot();
    } catch (err) {
      return { error: `the global limit in Redis cannot be reached: ${(err as Error).message}`, retryable: true };
    }
    try {
      return await this.send(url, payload, parse);
    } finally {
      done();
    }
  }

  /** Close what the client holds outside this process (its Redis connection). */
  async close(): Promise<void> {
    await this.config.shared?.close();
  }

  private async send<T>(url: string, payload: Record<string, unknown>, parse: PostOptions<T>["parse"]): Promise<Attempt<T>> {
    this.stats.requests++;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let res: Response;
    let raw: string;
    try {
      res = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      raw = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === "TimeoutError") return { error: `timed out after ${this.config.timeoutMs / 1000} s`, retryable: true };
      return { error: `cannot reach the endpoint: ${e.cause?.code ?? e.cause?.message ?? e.message}`, retryable: true };
    }
    if (!res.ok) {
      const retryable = res.status === 429 || res.status >= 500;
      const hint = res.status === 404 ? " (does this server serve this route?)" : "";
      return { error: `HTTP ${res.status}${hint}: ${excerpt(serverMessage(raw))}`, status: res.status, raw, retryable, retryAfterMs: retryAfter(res.headers.get("retry-after")) };
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { error: `malformed JSON response: "${excerpt(raw, 120)}"`, retryable: true };
    }
    const usage = (json as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
    if (usage && typeof usage === "object") {
      this.stats.promptTokens += Number(usage.prompt_tokens) || 0;
      this.stats.completionTokens += Number(usage.completion_tokens) || 0;
    }
    const parsed = parse(json, raw);
    if ("error" in parsed) return { error: parsed.error, retryable: parsed.retryable ?? true };
    return { value: parsed.value };
  }
}

/** The `error.message` of an OpenAI-style error body, else the body itself. */
function serverMessage(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const e = parsed.error;
    if (typeof e === "string") return e;
    if (e && typeof e.message === "string") return e.message;
    if (typeof parsed.message === "string") return parsed.message;
    if (typeof parsed.detail === "string") return parsed.detail;
  } catch {
    // not JSON: use the text
  }
  return raw || "(empty body)";
}

/** Retry-After as seconds or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return ms;
}
