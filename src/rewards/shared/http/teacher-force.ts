import { z } from "zod";
import type { Parsed } from "./json-client.ts";
import { found, ModelEndpoint } from "./model-endpoint.ts";

/**
 * Teacher forcing: send a text, get back each of its tokens with its log-probability given the
 * text before it, the top-k alternatives, and the token's character span in the text (UTF-16
 * indices, as JavaScript strings count). The one adapter every logprob reward uses.
 *
 * Backends:
 * - `vllm`: `/v1/completions` with `echo: true`, `logprobs: k`, `max_tokens: 0` (1 when the
 *   server refuses 0); offsets from `logprobs.text_offset`, which counts code points.
 * - `sglang`: native `/generate` with `return_logprob`, `logprob_start_len: 0`,
 *   `top_logprobs_num`, `return_text_in_logprobs` and `max_new_tokens: 0`; SGLang gives no
 *   offsets, so tokens are placed by spelling the text with their texts.
 * A server that returns no prompt logprobs (llama.cpp's server does not echo them) or no way to
 * place the tokens gives `unscorable` with that reason, never a number from a guessed alignment.
 */
export const TEACHER_FORCE_BACKENDS = ["vllm", "sglang"] as const;
export type TeacherForceBackend = (typeof TEACHER_FORCE_BACKENDS)[number];

export const teacherForceFields = {
  backend: z.enum(TEACHER_FORCE_BACKENDS).default("vllm").describe("How to teacher-force: vllm (/v1/completions with echo + logprobs, also any server with that shape) or sglang (native /generate)."),
  model: z.string().min(1).optional().describe("Model name sent with each request (leave out to use the served one)."),
  batch_size: z.number().int().min(1).max(1024).default(16).describe("Texts teacher-forced in one request."),
};

export interface ForcedToken {
  /** UTF-16 span of the token in the text: [start, end). */
  start: number;
  end: number;
  /** null for the first token (nothing predicts it). */
  logprob: number | null;
  /** The k most likely tokens at this position (as asked), when the server gave them. */
  top?: Array<{ token: string; logprob: number }>;
}

export type Forced = { tokens: ForcedToken[] } | { unscorable: string } | { error: string };

export class TeacherForcer {
  readonly endpoint: ModelEndpoint;
  private readonly backend: TeacherForceBackend;
  private readonly model: string | undefined;
  private readonly batchSize: number;
  /** Cleared when the server refuses max_tokens 0 (then 1 is asked and the extra token dropped). */
  private zeroTokens = true;

  constructor(endpoint: ModelEndpoint, o: { backend: TeacherForceBackend; model?: string; batch_size: number }) {
    this.endpoint = endpoint;
    this.backend = o.backend;
    this.model = o.model;
    this.batchSize = o.batch_size;
  }

  get url(): string {
    return this.backend === "vllm" ? this.endpoint.url("/completions", false) : this.endpoint.url("/generate", true);
  }

  /** Teacher-force each text with top-`k` alternatives; one result per text. */
  async force(texts: readonly string[], k: number): Promise<Forced[]> {
    const url = this.url;
    const answers = await this.endpoint.batched(
      texts,
      this.batchSize,
      (t) => ["teacher-force", this.backend, this.model, k, t],
      (batch) => (this.backend === "vllm" ? this.vllm(url, batch, k) : this.sglang(url, batch, k)),
    );
    return answers.map((a) => ("error" in a ? { error: a.error } : (a.value as Forced)));
  }

  private vllm(url: string, batch: string[], k: number): Promise<Forced[]> {
    const body: Record<string, unknown> = { prompt: batch, max_tokens: this.zeroTokens ? 0 : 1, echo: true, logprobs: k, temperature: 0 };
    if (this.model !== undefined) body.model = this.model;
    return this.endpoint.http.post(url, body, {
      what: "teacher-forcing request",
      parse: (json) => parseVllm(json, batch, url),
      fallback: (status, raw, sent) => {
        if (status !== 400 || sent.max_tokens !== 0 || !/max_tokens|max_completion_tokens/i.test(raw)) return undefined;
        this.zeroTokens = false;
        return { ...sent, max_tokens: 1 };
      },
    });
  }

  private sglang(url: string, batch: string[], k: number): Promise<Forced[]> {
    const body: Record<string, unknown> = {
      text: batch,
      sampling_params: { max_new_tokens: 0, temperature: 0 },
      return_logprob: true,
      logprob_start_len: 0,
      top_logprobs_num: k,
      return_text_in_logprobs: true,
    };
    if (this.model !== undefined) body.model = this.model;
    return this.endpoint.post(url, body, "teacher-forcing request", (json) => parseSglang(json, batch, url));
  }
}

/** UTF-16 index of each code point offset of a text (index n: the text's length). */
export function codePointIndex(text: string): number[] {
  const out: number[] = [];
  let unit = 0;
  for (const ch of text) {
    out.push(unit);
    unit += ch.length;
  }
  out.push(unit);
  return out;
}

interface LegacyLogprobs {
  tokens?: unknown;
  token_logprobs?: unknown;
  top_logprobs?: unknown;
  text_offset?: unknown;
}

function tops(v: unknown): Array<{ token: string; logprob: number }> | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Array<{ token: string; logprob: number }> = [];
  for (const [token, logprob] of Object.entries(v)) if (typeof logprob === "number" && Number.isFinite(logprob)) out.push({ token, logprob });
  return out.sort((a, b) => b.logprob - a.logprob);
}

/**
 * The legacy completions logprobs of a text (offsets in code points from the start of `text`) as
 * tokens with UTF-16 spans; tokens at or past the text's end (the one generated token) dropped.
 */
export function legacyTokens(lp: LegacyLogprobs, text: string, where: string): { tokens: ForcedToken[] } | { unscorable: string } {
  const values = lp.token_logprobs;
  const offsets = lp.text_offset;
  if (!Array.isArray(values)) return { unscorable: `${where} returned no token logprobs` };
  if (!Array.isArray(offsets) || offsets.length !== values.length || !offsets.every((x) => Number.isInteger(x))) {
    return { unscorable: `${where} returned no character offsets (text_offset), so tokens cannot be placed in the text` };
  }
  const index = codePointIndex(text);
  const cpLength = index.length - 1;
  const topList = Array.isArray(lp.top_logprobs) ? lp.top_logprobs : [];
  const tokens: ForcedToken[] = [];
  for (let i = 0; i < values.length; i++) {
    const at = offsets[i] as number;
    if (at >= cpLength) break;
    const next = i + 1 < offsets.length ? Math.min(offsets[i + 1] as number, cpLength) : cpLength;
    if (at < 0 || next < at) return { unscorable: `${where} returned offsets that do not fit the text (token ${i} at ${at}, next at ${next})` };
    const v = values[i];
    if (v !== null && (typeof v !== "number" || Number.isNaN(v))) return { unscorable: `${where}: token ${i} has no logprob (found ${found(v)})` };
    const token: ForcedToken = { start: index[at], end: index[next], logprob: v as number | null };
    const named = Array.isArray(lp.tokens) ? lp.tokens[i] : undefined;
    if (typeof named === "string" && plainToken(named) && text.slice(token.start, token.start + named.length) !== named) {
      return { unscorable: `${where} returned offsets that do not match the token texts (token ${i} ${JSON.stringify(named)} at character ${at})` };
    }
    const t = tops(topList[i]);
    if (t) token.top = t;
    tokens.push(token);
  }
  if (tokens.length === 0) return { unscorable: `${where} returned no tokens for the text` };
  return { tokens };
}

/**
 * A token text that must appear in the text at its offset: not empty, not a byte fallback
 * ("bytes:\\xe2"), no replacement character, not a special token like <unk> or <|endoftext|>.
 */
function plainToken(t: string): boolean {
  return t.length > 0 && !t.startsWith("bytes:") && !t.includes("\uFFFD") && !/^<[^<>\s]*>$/.test(t);
}

function parseVllm(json: unknown, batch: string[], url: string): Parsed<Forced[]> {
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return { error: `completions response has no choices (found ${found(choices)})`, retryable: false };
  if (choices.length !== batch.length) return { error: `completions response has ${choices.length} choices for ${batch.length} prompts`, retryable: false };
  const out = new Array<Forced>(batch.length);
  choices.forEach((c, j) => {
    const index = typeof (c as { index?: unknown })?.index === "number" ? (c as { index: number }).index : j;
    const lp = (c as { logprobs?: unknown })?.logprobs;
    const text = batch[index] ?? batch[j];
    if (!lp || typeof lp !== "object" || !Array.isArray((lp as LegacyLogprobs).token_logprobs)) {
      out[index] = { unscorable: `${url} returned no prompt logprobs (echo + logprobs); this server cannot teacher-force (llama.cpp's server, for one, does not echo prompt logprobs)` };
      return;
    }
    // An echo starts with the text's first token, which nothing predicts: a number there means
    // the logprobs are of generated tokens only (llama.cpp answers echo requests so).
    if ((lp as { token_logprobs: unknown[] }).token_logprobs[0] !== null) {
      out[index] = { unscorable: `${url} returned logprobs of generated tokens only, not of the prompt (echo); this server cannot teacher-force` };
      return;
    }
    out[index] = legacyTokens(lp as LegacyLogprobs, text, url);
  });
  for (let i = 0; i < out.length; i++) if (!out[i]) return { error: `completions response has no choice for prompt ${i}`, retryable: false };
  return { value: out };
}

/**
 * Tokens placed by spelling the text with their texts (SGLang gives no offsets); a leading
 * token whose text is not in the input (a BOS) sits at 0 with no width.
 */
export function spelledTokens(entries: unknown, topEntries: unknown, text: string, where: string): { tokens: ForcedToken[] } | { unscorable: string } {
  if (!Array.isArray(entries) || entries.length === 0) return { unscorable: `${where} returned no input token logprobs (return_logprob with logprob_start_len 0)` };
  const topList = Array.isArray(topEntries) ? topEntries : [];
  const tokens: ForcedToken[] = [];
  let pos = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!Array.isArray(e) || (e[0] !== null && typeof e[0] !== "number")) return { unscorable: `${where}: input token ${i} is not [logprob, id, text] (found ${found(e)})` };
    const t = e[2];
    if (typeof t !== "string") return { unscorable: `${where} returned no token texts (return_text_in_logprobs), so tokens cannot be placed in the text` };
    let start = pos;
    let end = pos + t.length;
    if (!text.startsWith(t, pos)) {
      if (i === 0) end = start;
      else return { unscorable: `${where}: the token texts do not spell the input at character ${pos} (token ${i} is ${JSON.stringify(t)}), so tokens cannot be placed` };
    }
    pos = end;
    const token: ForcedToken = { start, end, logprob: e[0] as number | null };
    const tl = topList[i];
    if (Array.isArray(tl)) token.top = tl.filter((x) => Array.isArray(x) && typeof x[0] === "number").map((x) => ({ token: String(x[2] ?? x[1]), logprob: x[0] as number }));
    tokens.push(token);
  }
  if (pos !== text.length) return { unscorable: `${where}: the token texts cover ${pos} of ${text.length} characters of the input` };
  return { tokens };
}

function parseSglang(json: unknown, batch: string[], url: string): Parsed<Forced[]> {
  const list = Array.isArray(json) ? json : [json];
  if (list.length !== batch.length) return { error: `generate response has ${list.length} outputs for ${batch.length} texts`, retryable: false };
  const out = new Array<Forced>(batch.length);
  for (let i = 0; i < list.length; i++) {
    const meta = (list[i] as { meta_info?: unknown } | null)?.meta_info as { input_token_logprobs?: unknown; input_top_logprobs?: unknown } | undefined;
    if (!meta || typeof meta !== "object") return { error: `generate response has no meta_info (found ${found(list[i])})`, retryable: false };
    out[i] = spelledTokens(meta.input_token_logprobs, meta.input_top_logprobs, batch[i], url);
  }
  return { value: out };
}

/** The tokens of a character span: those overlapping it, or (inside) only those wholly within it. */
export function spanTokens(tokens: readonly ForcedToken[], start: number, end: number, boundary: "overlap" | "inside" = "overlap"): ForcedToken[] {
  return tokens.filter((t) => (boundary === "inside" ? t.start >= start && t.end <= end && t.end > t.start : t.start < end && t.end > start));
}

export const boundaryField = z
  .enum(["overlap", "inside"])
  .default("overlap")
  .describe("Tokens that straddle the span's edge: overlap counts them (a token cannot be split), inside leaves them out.");
