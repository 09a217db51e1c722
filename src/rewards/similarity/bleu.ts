import { ngramCounts, splitWhitespace, tokenize13a } from "./tokenize.ts";

export interface BleuOptions {
  /** "13a" (sacrebleu's default) or "none" (split on whitespace only). */
  tokenize: "13a" | "none";
  lowercase: boolean;
  maxOrder: number;
}

export const BLEU_DEFAULTS: BleuOptions = { tokenize: "13a", lowercase: false, maxOrder: 4 };

/** BLEU's sufficient statistics for one hypothesis: matches and totals per order, lengths. */
export interface BleuStats {
  correct: number[];
  total: number[];
  hypLen: number;
  refLen: number;
}

/**
 * Statistics as sacrebleu collects them: n-gram counts of the hypothesis clipped by the maximum
 * count in any reference; the reference length is the closest one (the shorter on ties).
 */
export function bleuStatistics(hypothesis: string, references: readonly string[], options: BleuOptions = BLEU_DEFAULTS): BleuStats {
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
  return { correct, total, hypLen: hyp.length, refLen: closestRefLength(hyp.length, refLens) };
}

/**
 * Sentence BLEU as sacrebleu's `sentence_bleu` computes it (defaults: 13a tokens, exp smoothing,
 * effective order), on a 0..1 scale instead of 0..100.
 */
export function sentenceBleu(hypothesis: string, references: readonly string[], options: BleuOptions = BLEU_DEFAULTS): number {
  const s = bleuStatistics(hypothesis, references, options);
  return computeBleu(s.correct, s.total, s.hypLen, s.refLen, options.maxOrder, true);
}

/**
 * Corpus BLEU as sacrebleu's `corpus_bleu` computes it (statistics summed over the segments,
 * exp smoothing, no effective order), 0..1. `references[i]` holds the references of hypothesis i.
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (readonly string[])[], options: BleuOptions = BLEU_DEFAULTS): number {
  const correct = new Array<number>(options.maxOrder).fill(0);
  const total = new Array<number>(options.maxOrder).fill(0);
  let hypLen = 0;
  let refLen = 0;
  hypotheses.forEach((h, i) => {
    const s = bleuStatistics(h, references[i] ?? [], options);
    s.correct.forEach((c, n) => (correct[n] += c));
    s.total.forEach((t, n) => (total[n] += t));
    hypLen += s.hypLen;
    refLen += s.refLen;
  });
  return computeBleu(correct, total, hypLen, refLen, options.maxOrder, false);
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

/**
 * sacrebleu's `compute_bleu` with smooth_method="exp", scaled to 0..1. With `effectiveOrder`,
 * orders the hypothesis has no n-grams of are left out of the mean; without, they make BLEU 0.
 */
export function computeBleu(correct: readonly number[], total: readonly number[], sysLen: number, refLen: number, maxOrder: number, effectiveOrder: boolean): number {
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  if (!correct.some((c) => c > 0)) return 0;
  let smooth = 1;
  let effOrder = maxOrder;
  let logSum = 0;
  for (let n = 1; n <= maxOrder; n++) {
    if (total[n - 1] === 0) {
      if (!effectiveOrder) return 0;
      break;
    }
    if (effectiveOrder) effOrder = n;
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
