import type { TokenLogprob } from "../shared/http/client.ts";

export type Weighted = { ok: true; score: number; mass: number } | { ok: false; reason: string };

/**
 * G-Eval style score: the expected value of the score over the alternatives the judge considered
 * at the score token, `sum p(v) * v / sum p(v)` over the top logprobs that are scale values.
 * `offset` is where the verdict's score (`sampled`) starts in the reply text. Works when each scale value is
 * one token (true for small integers in common tokenizers); otherwise says why it cannot.
 */
export function weightedScore(
  text: string,
  offset: number,
  sampled: number,
  tokens: readonly TokenLogprob[],
  scale: { min: number; max: number },
): Weighted {
  let pos = 0;
  let at: TokenLogprob | undefined;
  for (const t of tokens) {
    const end = pos + t.token.length;
    if (offset >= pos && offset < end) {
      at = t;
      break;
    }
    pos = end;
  }
  if (!at) return { ok: false, reason: "no logprob token covers the score" };
  const value = (token: string): number | undefined => {
    const s = token.trim();
    if (!/^-?\d+$/.test(s)) return undefined;
    const v = Number(s);
    return v >= scale.min && v <= scale.max ? v : undefined;
  };
  if (value(at.token) !== sampled) return { ok: false, reason: `the score token ${JSON.stringify(at.token)} does not spell the whole score ${sampled}` };
  const seen = new Map<string, number>();
  for (const alt of [at, ...(at.top_logprobs ?? [])]) if (!seen.has(alt.token)) seen.set(alt.token, alt.logprob);
  let mass = 0;
  let sum = 0;
  for (const [token, logprob] of seen) {
    const v = value(token);
    if (v === undefined || !Number.isFinite(logprob)) continue;
    const p = Math.exp(logprob);
    mass += p;
    sum += p * v;
  }
  if (mass <= 0) return { ok: false, reason: "the score token has no probability mass on scale values" };
  return { ok: true, score: sum / mass, mass };
}
