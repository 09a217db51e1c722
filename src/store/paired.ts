import { mulberry32 } from "../core/random.ts";
/** Paired statistics between two runs' rewards on the same records. */
export interface PairedStats {
  /** Pairs where both records are ok. */
  n: number;
  meanOld: number | null;
  meanNew: number | null;
  /** Mean of new − old. */
  meanDiff: number | null;
  /** 95 % percentile bootstrap interval of the mean difference (seeded: same data, same interval). */
  ci: [number, number] | null;
  bootstrapResamples: number;
  /** Sign test: pairs where new > old, new < old, equal; two-sided exact binomial p over the non-ties. */
  better: number;
  worse: number;
  ties: number;
  signTestP: number | null;
}

/** Resamples × pairs is capped so a 1,000,000-pair comparison stays around a second. */
const MAX_DRAWS = 100_000_000;

export function pairedStats(oldRewards: ArrayLike<number>, newRewards: ArrayLike<number>, resamples = 1000): PairedStats {
  const n = oldRewards.length;
  const diff = new Float64Array(n);
  let so = 0;
  let sn = 0;
  let better = 0;
  let worse = 0;
  for (let i = 0; i < n; i++) {
    diff[i] = newRewards[i] - oldRewards[i];
    so += oldRewards[i];
    sn += newRewards[i];
    if (diff[i] > 0) better++;
    else if (diff[i] < 0) worse++;
  }
  const ties = n - better - worse;
  if (n === 0) return { n, meanOld: null, meanNew: null, meanDiff: null, ci: null, bootstrapResamples: 0, better, worse, ties, signTestP: null };
  const b = Math.max(100, Math.min(resamples, Math.floor(MAX_DRAWS / n)));
  return {
    n,
    meanOld: so / n,
    meanNew: sn / n,
    meanDiff: (sn - so) / n,
    ci: bootstrapMeanCi(diff, b),
    bootstrapResamples: b,
    better,
    worse,
    ties,
    signTestP: better + worse === 0 ? null : signTestP(better, worse),
  };
}

function bootstrapMeanCi(x: Float64Array, resamples: number): [number, number] {
  const n = x.length;
  const rand = mulberry32(0x5eed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[(rand() * n) | 0];
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return [at(0.025), at(0.975)];
}

/** Two-sided exact sign test: 2 · P(X ≤ min(k)) for X ~ Binomial(k + l, 1/2), summed in log space. */
export function signTestP(better: number, worse: number): number {
  const m = better + worse;
  const k = Math.min(better, worse);
  let logC = 0; // log C(m, 0)
  const logHalf = m * Math.log(0.5);
  let maxLog = -Infinity;
  const terms: number[] = [];
  for (let j = 0; j <= k; j++) {
    if (j > 0) logC += Math.log(m - j + 1) - Math.log(j);
    const t = logC + logHalf;
    terms.push(t);
    if (t > maxLog) maxLog = t;
  }
  let s = 0;
  for (const t of terms) s += Math.exp(t - maxLog);
  return Math.min(1, 2 * Math.exp(maxLog + Math.log(s)));
}
