import { mulberry32 } from "../core/random.ts";

/** The search's seeded PRNG: the same seed gives the same resampling everywhere. */
export function seededRandom(seed: number): () => number {
  return mulberry32(Math.trunc(seed) ^ 0x9e3779b9);
}

/** Normalised weights from log weights (max-shifted, so large potentials do not overflow). */
export function normalizeLogWeights(logWeights: readonly number[]): number[] {
  let max = -Infinity;
  for (const w of logWeights) if (w > max) max = w;
  if (!Number.isFinite(max)) return logWeights.map(() => 1 / logWeights.length);
  const w = logWeights.map((l) => Math.exp(l - max));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/** Effective sample size 1 / Σ w² of normalised weights. */
export function effectiveSampleSize(weights: readonly number[]): number {
  let s = 0;
  for (const w of weights) s += w * w;
  return s > 0 ? 1 / s : 0;
}

/**
 * Systematic resampling: one uniform draw u, then the n points (i + u) / n over the cumulative
 * weights. Each index i is drawn floor(n·w_i) or ceil(n·w_i) times, n·w_i on average.
 * Returns the drawn indices in ascending order.
 */
export function systematicResample(weights: readonly number[], n: number, random: () => number): number[] {
  const out = new Array<number>(n);
  const u = random();
  let cumulative = weights[0];
  let i = 0;
  for (let k = 0; k < n; k++) {
    const point = (k + u) / n;
    while (point > cumulative && i < weights.length - 1) cumulative += weights[++i];
    out[k] = i;
  }
  return out;
}

/** logit(s) / temperature, with s clamped away from 0 and 1 so certain scores stay finite. */
export function logitPotential(score: number, temperature: number, epsilon = 1e-4): number {
  const s = Math.min(1 - epsilon, Math.max(epsilon, score));
  return Math.log(s / (1 - s)) / temperature;
}
