import { ngramCounts, overlap } from "./tokenize.ts";

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

function score(common: number, predCount: number, refCount: number): RougeScore {
  const precision = common / Math.max(predCount, 1);
  const recall = common / Math.max(refCount, 1);
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

/**
 * ROUGE-N as rouge-score computes it: clipped overlap of the n-gram multisets;
 * P = overlap / prediction n-grams, R = overlap / reference n-grams, F = 2PR / (P + R).
 */
export function rougeN(prediction: readonly string[], reference: readonly string[], n: number): RougeScore {
  const p = ngramCounts(prediction, n);
  const r = ngramCounts(reference, n);
  return score(overlap(p, r), Math.max(0, prediction.length - n + 1), Math.max(0, reference.length - n + 1));
}

/** ROUGE-L (sentence level, as rouge-score's `rougeL`): P = LCS / |prediction|, R = LCS / |reference|. */
export function rougeL(prediction: readonly string[], reference: readonly string[]): RougeScore {
  if (prediction.length === 0 || reference.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  return score(lcsLength(prediction, reference), prediction.length, reference.length);
}

/** Length of the longest common subsequence, O(|a|·|b|) time, O(|b|) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}
