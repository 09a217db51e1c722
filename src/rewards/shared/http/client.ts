import { setTimeout as sleep } from "node:timers/promises";
import { CircuitBreaker } from "./breaker.ts";
import { Limiter } from "./limiter.ts";
import { excerpt } from "../../../core/text.ts";

/** One token of `choices[0].logprobs.content` (OpenAI chat-completions shape, also vLLM's and Ollama's). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  top_logprobs?: Array<{ token: string; logprob: number }>;
}

export interface ChatResponse {
  text: string;
  logprobs?: TokenLogprob[];
  /** The reply was cut off at max_tokens (finish_reason "length"). */
  truncated?: true;
}

export interface ClientConfig {
  /** API root, e.g. http://127.0.0.1:8000/v1; the client posts to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxConcurrency: number;
  breakerFailures: number;
  breakerCooldownMs: number;
}

/** The longest a Retry-After header may make us wait. */
const MAX_RETRY_AFTER_MS = 60_000;

/** A judge request that failed for good (after retries, or refused by the circuit breaker). */
export class JudgeRequestError extends Error {
  override name = "JudgeRequestError";
}

interface Attempt {
  response?: ChatResponse;
  error?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  /** The server rejected `response_format`: retry once without it. */
  noStructured?: boolean;
}

/**
 * An OpenAI-compatible chat-completions client for judges: bounded concurrency, per-request
 * timeout, retries with exponential backoff on 429/5xx/network errors (honouring Retry-After),
 * a circuit breaker, and usage accounting.
 */
export class ChatClient {
  readonly stats = { requests: 0, retries: 0, failures: 0, promptTokens: 0, completionTokens: 0, inFlight: 0, maxInFlight: 0 };
  private readonly url: string;
  private readonly config: ClientConfig;
  private readonly limiter: Limiter;
  private readonly breaker: CircuitBreaker;
  /** Cleared when the server rejects `response_format`; later requests go without it. */
  private structured = true;

  constructor(config: ClientConfig) {
    this.config = config;
    this.url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.limiter = new Limiter(config.maxConcurrency);
    this.breaker = new CircuitBreaker(config.breakerFailures, config.breakerCooldownMs);
  }

  /** Send one chat-completions request; resolves with the reply or rejects with a JudgeRequestError. */
  async complete(body: Record<string, unknown>): Promise<ChatResponse> {
    // Fail fast without queueing when the circuit is open; check again once a slot is free,
    // so requests queued behind a dying endpoint do not each wait for their own timeout.
    const early = this.breaker.refusal();
    if (early !== undefined) throw this.refuse(early);
    await this.limiter.acquire();
    const admission = this.breaker.admit();
    if (!admission.ok) {
      this.limiter.release();
      throw this.refuse(admission.reason);
    }
    this.stats.inFlight++;
    if (this.stats.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.stats.inFlight;
    try {
      return await this.withRetries(body, admission.trial);
    } finally {
      this.stats.inFlight--;
      this.limiter.release();
    }
  }

  private refuse(reason: string): JudgeRequestError {
    this.stats.failures++;
    return new JudgeRequestError(`judge endpoint ${this.config.baseUrl} unavailable: ${reason}`);
  }

  private async withRetries(body: Record<string, unknown>, trial: boolean): Promise<ChatResponse> {
    let payload = this.structured ? body : withoutResponseFormat(body);
    let last = "";
    let retried = 0;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(payload);
      if (result.response) {
        this.breaker.success(trial);
        return result.response;
      }
      last = result.error!;
      if (result.noStructured && payload.response_format !== undefined) {
        this.structured = false;
        payload = withoutResponseFormat(body);
        attempt--;
        continue;
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
    this.breaker.failure(last, trial);
    this.stats.failures++;
    const tries = retried > 0 ? ` (after ${retried} retries)` : "";
    throw new JudgeRequestError(`judge request to ${this.url} failed${tries}: ${last}`);
  }

  private async attempt(payload: Record<string, unknown>): Promise<Attempt> {
    this.stats.requests++;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let res: Response;
    let raw: string;
    try {
      res = await fetch(this.url, {
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
      const message = `HTTP ${res.status}: ${excerpt(serverMessage(raw))}`;
      const retryable = res.status === 429 || res.status >= 500;
      const noStructured = (res.status === 400 || res.status === 422) && /response_format|json_schema|structured|guided/i.test(raw);
      return { error: message, retryable, retryAfterMs: retryAfter(res.headers.get("retry-after")), noStructured };
    }
    let json: ChatCompletion;
    try {
      json = JSON.parse(raw) as ChatCompletion;
    } catch {
      return { error: `malformed JSON response: "${excerpt(raw, 120)}"`, retryable: true };
    }
    const choice = json?.choices?.[0];
    const text = choice?.message?.content;
    if (typeof text !== "string") return { error: `response has no message content: "${excerpt(raw, 120)}"`, retryable: true };
    const usage = json.usage;
    if (usage) {
      this.stats.promptTokens += Number(usage.prompt_tokens) || 0;
      this.stats.completionTokens += Number(usage.completion_tokens) || 0;
    }
    const logprobs = choice?.logprobs?.content;
    const response: ChatResponse = Array.isArray(logprobs) ? { text, logprobs } : { text };
    if (choice?.finish_reason === "length") response.truncated = true;
    return { response };
  }
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown }; logprobs?: { content?: TokenLogprob[] } | null; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

function withoutResponseFormat(body: Record<string, unknown>): Record<string, unknown> {
  const { response_format: _dropped, ...rest } = body;
  return rest;
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
