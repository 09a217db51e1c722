import { ngramCounts, splitWhitespace, tokenize13a } from "./tokenize.ts";

export interface BleuOptions {
  /** "13a" (sacrebleu's default) or "none" (split on whitespace only). */
  tokenize: "13a" | "none";
  lowercase: boolean;
  maxOrder: number;
}

export const BLEU_DEFAULTS: BleuOptions = { tokenize: "13a", lowercase: false, maxOrder: 4 };

/**
 * Sentence BLEU as sacrebleu's `sentence_bleu` computes it (defaults: 13a tokens, exp smoothing,
 * effective order), on a 0..1 scale instead of 0..100. With several references, n-gram counts
 * are clipped by the maximum count in any reference and the brevity penalty uses the closest
 * reference length (the shorter one on ties).
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = BLEU_DEFAULTS): number {
  const tok = (s: string) => {
    const t = options.lowercase ? s.toLowerCase() : s;
    return options.tokenize === "13a" ? tokenize13a(t.trimEnd()) : splitWhitespace(t);
  };
  const hyp = tok(hypothesis);
  const maxOrder = options.maxOrder;
  const refMax: Array<Map<string, number>> = [];
  for (let n = 1; n <= maxOrder; n++) refMax.push(new Map());
  const refLens: number[] = [];
  for (const r of references) {
    const ref = tok(r);
    refLens.push(ref.length);
    for (let n = 1; n <= maxOrder; n++) {
      const max = refMax[n - 1];
      for (const [k, c] of ngramCounts(ref, n)) if (c > (max.get(k) ?? 0)) max.set(k, c);
    }
  }
  const correct: number[] = [];
  const total: number[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    let hits = 0;
    for (const [k, c] of ngramCounts(hyp, n)) {
      const r = refMax[n - 1].get(k);
      if (r) hits += Math.min(c, r);
    }
    correct.push(hits);
    total.push(Math.max(0, hyp.length - n + 1));
  }
  return computeBleu(correct, total, hyp.length, closestRefLength(hyp.length, refLens), maxOrder);
}

function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = 0;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

/** sacrebleu's `compute_bleu` with smooth_method="exp" and effective_order=True, scaled to 0..1. */
export function computeBleu(correct: readonly number[], total: readonly number[], sysLen: number, refLen: number, maxOrder: number): number {
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  if (!correct.some((c) => c > 0)) return 0;
  let smooth = 1;
  let effOrder = maxOrder;
  let logSum = 0;
  for (let n = 1; n <= maxOrder; n++) {
    if (total[n - 1] === 0) break;
    effOrder = n;
    let precision: number;
    if (correct[n - 1] === 0) {
      smooth *= 2;
      precision = 1 / (smooth * total[n - 1]);
    } else {
      precision = correct[n - 1] / total[n - 1];
    }
    logSum += Math.log(precision);
  }
  return bp * Math.exp(logSum / effOrder);
}
