import type { Rng } from "./rng.ts";
import type { DecodeSession, TestModel } from "./model.ts";
import { EOS, encode, tokenText } from "./tokenizer.ts";

/** One scored token: its id, its text and its log-probability under the model (raw, before temperature or top_p). */
export interface ScoredToken {
  id: number;
  text: string;
  /** null for the first token of a text, which has no context to be predicted from. */
  logprob: number | null;
  /** Rank of the token in its distribution, 1 = most likely (vLLM's `rank`); null with a null logprob. */
  rank: number | null;
  /** The k most likely tokens at this position (k as asked), most likely first. */
  top: Array<{ id: number; logprob: number }>;
}

export interface SampleOptions {
  /** 0 (or under 1e-5) is greedy. */
  temperature: number;
  /** Nucleus sampling: keep the most likely tokens up to this probability mass. */
  topP: number;
  maxTokens: number;
  /** Generation ends where the text first contains one of these; the text is cut before it. */
  stop: string[];
  /** Keep the stop string at the end of the text. */
  includeStop?: boolean;
  /** How many alternatives to report per generated token. */
  topLogprobs: number;
  rng: Rng;
}

export interface Generation {
  /** Generated tokens, the end-of-text token and a stop-string token included. */
  tokens: ScoredToken[];
  text: string;
  finishReason: "stop" | "length";
  /** The stop string that ended it; null for end-of-text or length. */
  stopReason: string | null;
}

/** Runs a text through the model, teacher-forced: each token's log-probability given the ones before it. */
export function scoreText(model: TestModel, text: string, top: number): { tokens: ScoredToken[]; offsets: number[]; session: DecodeSession; next: Float64Array | undefined } {
  const enc = encode(text);
  const session = model.session();
  const tokens: ScoredToken[] = [];
  let next: Float64Array | undefined;
  for (let i = 0; i < enc.ids.length; i++) {
    const id = enc.ids[i];
    tokens.push(next ? scored(next, id, enc.pieces[i], top) : { id, text: enc.pieces[i], logprob: null, rank: null, top: [] });
    next = session.feed(id);
  }
  return { tokens, offsets: enc.offsets, session, next };
}

/** Samples a continuation from a session that has read the prompt (`next`: its last log-probabilities). */
export function generate(session: DecodeSession, next: Float64Array, room: number, o: SampleOptions): Generation {
  const tokens: ScoredToken[] = [];
  let text = "";
  let lp = next;
  const limit = Math.min(o.maxTokens, room);
  while (tokens.length < limit) {
    const id = pick(lp, o);
    tokens.push(scored(lp, id, tokenText(id), o.topLogprobs));
    if (id === EOS) return { tokens, text, finishReason: "stop", stopReason: null };
    const before = text.length;
    text += tokenText(id);
    const hit = findStop(text, before, o.stop);
    if (hit) return { tokens, text: text.slice(0, o.includeStop ? hit.at + hit.stop.length : hit.at), finishReason: "stop", stopReason: hit.stop };
    if (tokens.length < limit) lp = session.feed(id);
  }
  return { tokens, text, finishReason: "length", stopReason: null };
}

function scored(lp: Float64Array, id: number, text: string, top: number): ScoredToken {
  let rank = 1;
  for (let i = 0; i < lp.length; i++) if (lp[i] > lp[id] || (lp[i] === lp[id] && i < id)) rank++;
  return { id, text, logprob: lp[id], rank, top: topK(lp, top) };
}

/** The earliest stop string that the newest text completes (it may start in earlier tokens). */
function findStop(text: string, before: number, stops: string[]): { at: number; stop: string } | undefined {
  let best: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop, Math.max(0, before - stop.length + 1));
    if (at >= 0 && (!best || at < best.at)) best = { at, stop };
  }
  return best;
}

function pick(lp: Float64Array, o: SampleOptions): number {
  if (o.temperature < 1e-5) return topK(lp, 1)[0].id;
  const order = [...lp.keys()].sort((a, b) => lp[b] - lp[a] || a - b);
  const scaled = order.map((i) => lp[i] / o.temperature);
  const probs = scaled.map((s) => Math.exp(s - scaled[0]));
  const total = probs.reduce((a, b) => a + b, 0);
  let keep = probs.length;
  if (o.topP < 1) {
    let mass = 0;
    for (let k = 0; k < probs.length; k++) {
      mass += probs[k] / total;
      if (mass >= o.topP) {
        keep = k + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let k = 0; k < keep; k++) kept += probs[k];
  let r = o.rng.next() * kept;
  for (let k = 0; k < keep; k++) {
    r -= probs[k];
    if (r < 0) return order[k];
  }
  return order[keep - 1];
}

export function topK(lp: Float64Array, k: number): Array<{ id: number; logprob: number }> {
  if (k <= 0) return [];
  return [...lp.keys()]
    .sort((a, b) => lp[b] - lp[a] || a - b)
    .slice(0, k)
    .map((id) => ({ id, logprob: lp[id] }));
}
