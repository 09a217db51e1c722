import { z } from "zod";
import { completionText } from "../../core/text.ts";
import { failed, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { endpointFields } from "./http/endpoint.ts";
import type { Reward, RewardContext } from "../../core/reward.ts";
import type { EndpointConnection } from "./http/endpoint.ts";
import { endpointReward, ModelEndpoint } from "./http/model-endpoint.ts";
import { type ForcedToken, legacyTokens, spanTokens, type TeacherForceBackend, TeacherForcer, teacherForceFields } from "./http/teacher-force.ts";
import { around, promptString, templateField } from "./logprob.ts";

/**
 * The completion's tokens with logprobs, for the rewards that read the policy's own
 * probabilities (confidence, self-certainty, perplexity): from the generation logprobs the record
 * carries (`meta.logprobs`, as vLLM returns them), or recomputed by teacher-forcing prompt +
 * completion. Spans are UTF-16 indices into the completion text.
 */
export const completionTokenFields = {
  ...endpointFields,
  base_url: endpointFields.base_url.optional().describe("Server to teacher-force prompt + completion when a record carries no logprobs (vLLM or SGLang API root, e.g. http://127.0.0.1:8000/v1)."),
  ...teacherForceFields,
  template: templateField,
  source: z
    .enum(["auto", "record", "teacher_force"])
    .default("auto")
    .describe("Where the logprobs come from: record (meta.<logprobs_field>, the generation logprobs), teacher_force (ask base_url), auto (the record's when present, else teacher-force when base_url is set)."),
  logprobs_field: z.string().min(1).default("logprobs").describe("The record field holding the generation logprobs: vLLM's chat shape {content: [{token, logprob, bytes, top_logprobs}]} or the completions shape {tokens, token_logprobs, top_logprobs, text_offset}."),
};

export interface CompletionTokenOptions {
  base_url?: string;
  template: string;
  source: "auto" | "record" | "teacher_force";
  logprobs_field: string;
}

export interface CompletionTokens {
  completion: string;
  tokens: ForcedToken[];
}

interface ChatToken {
  token?: unknown;
  logprob?: unknown;
  bytes?: unknown;
  top_logprobs?: unknown;
}

function chatTops(v: unknown): Array<{ token: string; logprob: number }> | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((t) => t && typeof t.logprob === "number").map((t) => ({ token: String(t.token), logprob: t.logprob as number }));
}

/**
 * Chat-shaped generation logprobs placed in the completion: by their UTF-8 `bytes` when every
 * token has them (a token ending inside a character stretches to that character's end), else by
 * spelling the completion with the token strings. Tokens after the completion's end (a stop
 * string's token, end of text) are dropped.
 */
export function placeChatTokens(entries: readonly ChatToken[], completion: string): ForcedToken[] | string {
  const tokens: ForcedToken[] = [];
  const useBytes = entries.length > 0 && entries.every((e) => Array.isArray(e?.bytes) && (e.bytes as unknown[]).every((b) => Number.isInteger(b)));
  if (useBytes) {
    const encoded = Buffer.from(completion, "utf8");
    // UTF-16 index at each byte offset (the start of the character holding that byte).
    const unitAt = new Int32Array(encoded.length + 1);
    let unit = 0;
    let byte = 0;
    for (const ch of completion) {
      const n = Buffer.byteLength(ch, "utf8");
      for (let b = 0; b < n; b++) unitAt[byte + b] = unit;
      byte += n;
      unit += ch.length;
    }
    unitAt[encoded.length] = unit;
    const ceil = (b: number) => {
      // the first character boundary at or after byte b
      while (b < encoded.length && b > 0 && unitAt[b] === unitAt[b - 1]) b++;
      return unitAt[b];
    };
    let pos = 0;
    for (let i = 0; i < entries.length && pos < encoded.length; i++) {
      const bytes = entries[i].bytes as number[];
      for (let b = 0; b < bytes.length; b++) {
        if (encoded[pos + b] !== bytes[b]) return `the logprobs' bytes do not spell the completion at byte ${pos + b}`;
      }
      const lp = entries[i].logprob;
      if (typeof lp !== "number" || Number.isNaN(lp)) return `logprob ${i} is not a number`;
      const t: ForcedToken = { start: unitAt[pos], end: ceil(Math.min(pos + bytes.length, encoded.length)), logprob: lp };
      const top = chatTops(entries[i].top_logprobs);
      if (top) t.top = top;
      tokens.push(t);
      pos += bytes.length;
    }
    if (pos < encoded.length) return `the logprobs cover ${pos} of ${encoded.length} bytes of the completion`;
    return tokens;
  }
  let pos = 0;
  for (let i = 0; i < entries.length && pos < completion.length; i++) {
    const text = entries[i].token;
    if (typeof text !== "string") return `logprob ${i} has no token text`;
    if (!completion.startsWith(text, pos)) return `the logprobs' tokens do not spell the completion at character ${pos} (token ${i} is ${JSON.stringify(text)})`;
    const lp = entries[i].logprob;
    if (typeof lp !== "number" || Number.isNaN(lp)) return `logprob ${i} is not a number`;
    const t: ForcedToken = { start: pos, end: pos + text.length, logprob: lp };
    const top = chatTops(entries[i].top_logprobs);
    if (top) t.top = top;
    tokens.push(t);
    pos += text.length;
  }
  if (pos < completion.length) return `the logprobs cover ${pos} of ${completion.length} characters of the completion`;
  return tokens;
}

/** The record's generation logprobs as completion tokens; undefined when it carries none. */
export function recordTokens(sample: Sample, field: string, completion: string): ForcedToken[] | string | undefined {
  const v = sample.meta?.[field];
  if (v === undefined || v === null) return undefined;
  const where = `meta.${field}`;
  if (Array.isArray(v)) return placeChatTokens(v as ChatToken[], completion);
  if (typeof v !== "object") return `${where} is not a logprobs object`;
  const o = v as { content?: unknown; token_logprobs?: unknown };
  if (Array.isArray(o.content)) return placeChatTokens(o.content as ChatToken[], completion);
  if (Array.isArray(o.token_logprobs)) {
    const placed = legacyTokens(o as Parameters<typeof legacyTokens>[0], completion, where);
    return "unscorable" in placed ? placed.unscorable : placed.tokens;
  }
  return `${where} has neither content (chat shape) nor token_logprobs (completions shape)`;
}

/** Each sample's completion tokens, or the result it gets instead (unscorable / error). */
export async function completionTokens(samples: readonly Sample[], o: CompletionTokenOptions, forcer: TeacherForcer | undefined, k: number): Promise<Array<CompletionTokens | RewardResult>> {
  const out = new Array<CompletionTokens | RewardResult>(samples.length);
  const force: Array<{ i: number; text: string; start: number; completion: string }> = [];
  samples.forEach((s, i) => {
    const completion = completionText(s.completion);
    if (completion.length === 0) return void (out[i] = unscorable("empty completion"));
    if (o.source !== "teacher_force") {
      const own = recordTokens(s, o.logprobs_field, completion);
      if (typeof own === "string") return void (out[i] = unscorable(own));
      if (own) return void (out[i] = { completion, tokens: own });
      if (o.source === "record") return void (out[i] = unscorable(`the record has no meta.${o.logprobs_field}`));
    }
    if (!forcer) return void (out[i] = unscorable(`the record has no meta.${o.logprobs_field} and no base_url is set to teacher-force it`));
    const { before, after } = around(o.template, promptString(s));
    force.push({ i, text: before + completion + after, start: before.length, completion });
  });
  if (force.length > 0 && forcer) {
    const forced = await forcer.force(
      force.map((f) => f.text),
      k,
    );
    force.forEach((f, j) => {
      const r = forced[j];
      if ("error" in r) out[f.i] = failed(r.error);
      else if ("unscorable" in r) out[f.i] = unscorable(r.unscorable);
      else {
        const tokens = spanTokens(r.tokens, f.start, f.start + f.completion.length, "overlap").map((t) => ({ ...t, start: Math.max(0, t.start - f.start), end: Math.min(f.completion.length, t.end - f.start) }));
        out[f.i] = { completion: f.completion, tokens };
      }
    });
  }
  return out;
}

export function isTokens(x: CompletionTokens | RewardResult): x is CompletionTokens {
  return (x as CompletionTokens).tokens !== undefined;
}

/** The endpoint and teacher-forcer of a completion-token reward, when it has a base_url. */
type ForcerOptions = Omit<EndpointConnection, "base_url"> & { base_url?: string; backend: TeacherForceBackend; model?: string; batch_size: number };

/**
 * A reward over the completion's tokens (confidence, self-certainty, perplexity): the
 * teacher-forcing endpoint when base_url is set, its usage in the summary, closed with the run.
 */
export function completionTokensReward(
  o: ForcerOptions,
  context: Pick<RewardContext, "name" | "type" | "specDir" | "flags">,
  score: (forcer: TeacherForcer | undefined, samples: readonly Sample[]) => Promise<RewardResult[]>,
): Reward {
  const endpoint = o.base_url === undefined ? undefined : new ModelEndpoint({ ...o, base_url: o.base_url }, context);
  const forcer = endpoint && new TeacherForcer(endpoint, o);
  return endpointReward(context, endpoint, (samples) => score(forcer, samples));
}
