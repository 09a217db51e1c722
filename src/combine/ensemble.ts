/**
 * Reward-model ensembles: several components scoring the same thing, combined conservatively so
 * the policy cannot exploit one member's errors. Formulas: docs/normalize.md ("Ensembles").
 */

export const ENSEMBLE_METHODS = ["mean", "median", "min", "mean_minus_std", "mean_min", "cvar"] as const;
export type EnsembleMethod = (typeof ENSEMBLE_METHODS)[number];

export interface EnsembleSpec {
  method: EnsembleMethod;
  /** mean_minus_std: the std penalty; mean_min: the weight of the mean (1 - lambda goes to the min). */
  lambda?: number;
  /** cvar: the tail level in (0, 1]: the mean of the worst alpha share of the members. */
  alpha?: number;
}

export interface EnsembleResult {
  reward: number;
  /** Population std of the members: how much they disagree. */
  disagreement: number;
}

/** Combine the members' rewards (at least one). */
export function ensembleReward(values: readonly number[], spec: EnsembleSpec): EnsembleResult {
  const k = values.length;
  if (k === 0) throw new RangeError("an ensemble needs at least one value");
  let sum = 0;
  let min = Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
  }
  const mean = sum / k;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const std = Math.sqrt(ss / k);
  let reward: number;
  switch (spec.method) {
    case "mean":
      reward = mean;
      break;
    case "min":
      reward = min;
      break;
    case "median": {
      const s = [...values].sort((a, b) => a - b);
      reward = k % 2 === 1 ? s[(k - 1) / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
      break;
    }
    case "mean_minus_std":
      reward = mean - (spec.lambda ?? 1) * std;
      break;
    case "mean_min": {
      const lambda = spec.lambda ?? 0.5;
      reward = lambda * mean + (1 - lambda) * min;
      break;
    }
    case "cvar":
      reward = cvar(values, spec.alpha ?? 0.1);
      break;
  }
  return { reward, disagreement: std };
}

/**
 * Lower-tail conditional value at risk of the members' empirical distribution (each member has
 * mass 1/k): the mean of the worst alpha share, splitting a member at the boundary.
 */
export function cvar(values: readonly number[], alpha: number): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length;
  let total = 0;
  for (let i = 0; i < k; i++) {
    // the share of member i that lies in the lowest alpha of the mass
    const take = Math.min(1 / k, alpha - i / k);
    if (take <= 0) break;
    total += take * s[i];
  }
  return total / alpha;
}
