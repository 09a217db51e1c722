import { excerpt } from "../../../core/text.ts";
import { type ClientConfig, type ClientStats, EndpointRequestError, JsonClient, type Parsed } from "./json-client.ts";

export type { ClientConfig } from "./json-client.ts";

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

/** A judge request that failed for good (after retries, or refused by the circuit breaker). */
export const JudgeRequestError = EndpointRequestError;
export type JudgeRequestError = EndpointRequestError;

/**
 * An OpenAI-compatible chat-completions client for judges, over the shared JsonClient
 * (concurrency, timeouts, retries, breaker, usage). A server that rejects `response_format`
 * is asked once more without it, and later requests go without it.
 */
export class ChatClient {
  private readonly http: JsonClient;
  /** Cleared when the server rejects `response_format`. */
  private structured = true;

  constructor(config: ClientConfig) {
    this.http = new JsonClient(config);
  }

  get stats(): ClientStats {
    return this.http.stats;
  }

  /** Release the shared-state connection (Redis), when there is one. */
  close(): Promise<void> {
    return this.http.close();
  }

  /** Send one chat-completions request; resolves with the reply or rejects with a JudgeRequestError. */
  complete(body: Record<string, unknown>): Promise<ChatResponse> {
    const payload = this.structured ? body : withoutResponseFormat(body);
    return this.http.post("/chat/completions", payload, {
      what: "judge request",
      parse: parseChat,
      fallback: (status, raw, sent) => {
        if ((status !== 400 && status !== 422) || sent.response_format === undefined) return undefined;
        if (!/response_format|json_schema|structured|guided/i.test(raw)) return undefined;
        this.structured = false;
        return withoutResponseFormat(sent);
      },
    });
  }
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown }; logprobs?: { content?: TokenLogprob[] } | null; finish_reason?: unknown }>;
}

function parseChat(json: unknown, raw: string): Parsed<ChatResponse> {
  const choice = (json as ChatCompletion | null)?.choices?.[0];
  const text = choice?.message?.content;
  if (typeof text !== "string") return { error: `response has no message content: "${excerpt(raw, 120)}"` };
  const logprobs = choice?.logprobs?.content;
  const response: ChatResponse = Array.isArray(logprobs) ? { text, logprobs } : { text };
  if (choice?.finish_reason === "length") response.truncated = true;
  return { value: response };
}

function withoutResponseFormat(body: Record<string, unknown>): Record<string, unknown> {
  const { response_format: _dropped, ...rest } = body;
  return rest;
}
