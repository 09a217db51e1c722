import { z } from "zod";
import type { ChatMessage, Text } from "../core/types.ts";
import { promptText } from "../core/text.ts";
import { excerpt } from "../core/text.ts";
import { clientConfig, endpointApiKey, endpointFields } from "../rewards/shared/http/endpoint.ts";
import { JsonClient, type Parsed } from "../rewards/shared/http/json-client.ts";

/** One sampling request: continue `prefix` (the partial answer) after the problem's prompt. */
export interface GenerationRequest {
  prompt: Text;
  /** The partial assistant answer to continue ("" for a fresh sample). */
  prefix: string;
  /** Stop strings (a step delimiter); the text comes back without them. */
  stop?: readonly string[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
}

/** Why generation ended: `stop` at a stop string, `eos` the model finished, `length` max_tokens. */
export type FinishKind = "stop" | "eos" | "length";

export interface Generation {
  /** The new text only (not the prefix, not the stop string). */
  text: string;
  finish: FinishKind;
  promptTokens: number;
  completionTokens: number;
}

/** What strategies call: one request, one sample. Inject a function to search over anything. */
export type GenerateFn = (request: GenerationRequest, signal?: AbortSignal) => Promise<Generation>;

export const GENERATOR_MODES = ["auto", "chat", "completions"] as const;
export type GeneratorMode = (typeof GENERATOR_MODES)[number];

const { cache: _noCache, ...connection } = endpointFields;

/** A generator server as written in a generator file or a server's options. */
export const generatorSchema = z.strictObject({
  ...connection,
  model: z.string().min(1).optional().describe("Model name sent with every request (omit for servers that serve one model)."),
  mode: z
    .enum(GENERATOR_MODES)
    .default("auto")
    .describe("chat: /chat/completions, a partial answer is continued with continue_final_message; completions: /completions with the raw prompt + partial answer; auto: chat for message prompts, completions for text prompts."),
  temperature: z.number().min(0).max(5).default(1).describe("Sampling temperature of every request."),
  top_p: z.number().gt(0).max(1).default(1).describe("Nucleus sampling mass."),
  max_tokens: z.number().int().positive().default(512).describe("Most tokens one request may generate (one step, or a whole solution)."),
  seed: z.number().int().optional().describe("Base seed: each request gets seed + its index within the problem, so a search is reproducible on servers that honour seed."),
  extra_body: z.record(z.string(), z.unknown()).optional().describe("Fields merged into every request body (e.g. top_k, repetition_penalty)."),
});

export type GeneratorConfig = z.output<typeof generatorSchema>;

/** A generator config from partial fields (defaults filled in); throws a zod error on bad values. */
export function generatorConfig(input: Record<string, unknown>): GeneratorConfig {
  return generatorSchema.parse(input);
}

/**
 * An OpenAI-compatible generator (vLLM, SGLang, llama.cpp server, Ollama, hosted APIs) over the
 * shared JsonClient: bounded concurrency, retries with backoff, circuit breaker, usage accounting.
 * One request per sample (no `n > 1`, no server-side beam search).
 */
export class OpenAIGenerator {
  readonly config: GeneratorConfig;
  readonly http: JsonClient;

  constructor(config: GeneratorConfig) {
    this.config = config;
    this.http = new JsonClient(clientConfig({ ...config, cache: false }, endpointApiKey(config)));
  }

  /** The GenerateFn of this server. */
  readonly generate: GenerateFn = (request) => {
    const chat = this.config.mode === "chat" || (this.config.mode === "auto" && typeof request.prompt !== "string");
    const body: Record<string, unknown> = {
      ...this.config.extra_body,
      max_tokens: request.maxTokens ?? this.config.max_tokens,
      temperature: request.temperature ?? this.config.temperature,
      top_p: request.topP ?? this.config.top_p,
    };
    if (this.config.model !== undefined) body.model = this.config.model;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.stop && request.stop.length > 0) body.stop = [...request.stop];
    if (chat) {
      body.messages = chatMessages(request.prompt, request.prefix);
      if (request.prefix !== "") {
        body.continue_final_message = true;
        body.add_generation_prompt = false;
      }
      return this.http.post("/chat/completions", body, { what: "generator request", parse: (json, raw) => parseGeneration(json, raw, true, request.stop), fallback: fitContext });
    }
    body.prompt = promptText(request.prompt) + request.prefix;
    return this.http.post("/completions", body, { what: "generator request", parse: (json, raw) => parseGeneration(json, raw, false, request.stop), fallback: fitContext });
  };
}

/**
 * A long partial answer plus max_tokens can pass the model's context. vLLM (and OpenAI) refuse
 * that with a 400 naming the context and the prompt's tokens ("maximum context length is 4096
 * tokens and your request has 2778 input tokens", or older vLLM "... (2778 in the messages, 8000
 * in the completion)"): ask once more for what fits, so the candidate ends as cut by length.
 */
export function fitContext(status: number, raw: string, sent: Record<string, unknown>): Record<string, unknown> | undefined {
  if (status !== 400) return undefined;
  const context = /maximum context length is (\d+) tokens/.exec(raw);
  const prompt = /(\d+) input tokens/.exec(raw) ?? /\((\d+) in the (?:prompt|messages)/.exec(raw);
  if (!context || !prompt) return undefined;
  const room = Number(context[1]) - Number(prompt[1]);
  if (!(room > 0) || room >= Number(sent.max_tokens)) return undefined;
  return { ...sent, max_tokens: room };
}

/** The problem's messages, with the partial answer as an open assistant message. */
export function chatMessages(prompt: Text, prefix: string): ChatMessage[] {
  const messages: ChatMessage[] = typeof prompt === "string" ? [{ role: "user", content: prompt }] : [...prompt];
  if (prefix !== "") messages.push({ role: "assistant", content: prefix });
  return messages;
}

interface Choice {
  text?: unknown;
  message?: { content?: unknown };
  finish_reason?: unknown;
  stop_reason?: unknown;
}

function parseGeneration(json: unknown, raw: string, chat: boolean, stop: readonly string[] | undefined): Parsed<Generation> {
  const body = json as { choices?: Choice[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null;
  const choice = body?.choices?.[0];
  const text = chat ? choice?.message?.content : choice?.text;
  if (typeof text !== "string") return { error: `response has no ${chat ? "message content" : "choices[0].text"}: "${excerpt(raw, 120)}"` };
  return {
    value: {
      text,
      finish: finishKind(choice!, stop),
      promptTokens: Number(body?.usage?.prompt_tokens) || 0,
      completionTokens: Number(body?.usage?.completion_tokens) || 0,
    },
  };
}

/**
 * vLLM and SGLang report the matched stop string in `stop_reason` (null at end of text); servers
 * that do not (OpenAI, Ollama) leave it out, and a "stop" there counts as a stop string only when
 * stop strings were sent.
 */
function finishKind(choice: Choice, stop: readonly string[] | undefined): FinishKind {
  if (choice.finish_reason === "length") return "length";
  const reason = choice.stop_reason;
  if (typeof reason === "string") return stop?.includes(reason) ? "stop" : "eos";
  if (typeof reason === "number" || reason === null) return "eos";
  return stop && stop.length > 0 ? "stop" : "eos";
}
