import { mulberry32 } from "../core/random.ts";

/** Small statistics the diagnostics share: ranks, correlations, bootstrap intervals. */

/** Average ranks (1-based; ties share their mean rank). */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) out[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rank correlation: Pearson's correlation of the average ranks. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(ranks(x), ranks(y));
}

/**
 * A percentile bootstrap interval of `stat` over `values` (resampled with replacement `n` times
 * with a seeded RNG): [2.5th, 97.5th] percentile for level 0.95. Undefined for fewer than 2 values.
 */
export function bootstrapCi<T>(values: readonly T[], stat: (sample: readonly T[]) => number, o: { n: number; seed: number; level?: number }): [number, number] | undefined {
  if (values.length < 2 || o.n < 1) return undefined;
  const rng = mulberry32(o.seed);
  const stats: number[] = [];
  const sample = new Array<T>(values.length);
  for (let b = 0; b < o.n; b++) {
    for (let i = 0; i < values.length; i++) sample[i] = values[Math.floor(rng() * values.length)];
    const s = stat(sample);
    if (!Number.isNaN(s)) stats.push(s);
  }
  if (stats.length === 0) return undefined;
  stats.sort((a, b) => a - b);
  const alpha = (1 - (o.level ?? 0.95)) / 2;
  const at = (q: number) => stats[Math.min(stats.length - 1, Math.max(0, Math.floor(q * stats.length)))];
  return [at(alpha), at(1 - alpha)];
}
