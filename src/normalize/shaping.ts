/**
 * Reward shaping: per-record transforms (clip, scale, PAR, DAPO overlong penalty, cosine length
 * scaling) and the batch-level length-bias correction. Formulas: docs/normalize.md.
 */
import { overlongPenalty } from "../rewards/length/index.ts";

/** PAR (Fu et al. 2025, "Reward Shaping to Mitigate Reward Hacking in RLHF"): sigmoid(r - r_ref), bounded in (0, 1), 1/2 at r = r_ref. */
export function preferenceAsReward(reward: number, referenceReward: number): number {
  return 1 / (1 + Math.exp(referenceReward - reward));
}

export function clip(reward: number, min = -Infinity, max = Infinity): number {
  return reward < min ? min : reward > max ? max : reward;
}

export { overlongPenalty };

export interface CosineLength {
  /** L_max: the generation limit. */
  max: number;
  /** Reward of a correct answer at length 0 and at max (Yeo et al. 2025 defaults: 2 and 1). */
  correctAtZero: number;
  correctAtMax: number;
  /** Reward of a wrong answer at length 0 and at max (defaults: -10 and 0). */
  wrongAtZero: number;
  wrongAtMax: number;
  /** Reward when the length reaches max (default: -10). */
  exceed: number;
}

export const COSINE_DEFAULTS: Omit<CosineLength, "max"> = { correctAtZero: 2, correctAtMax: 1, wrongAtZero: -10, wrongAtMax: 0, exceed: -10 };

/**
 * Cosine length scaling (Yeo et al. 2025, "Demystifying Long Chain-of-Thought Reasoning in LLMs"):
 * a cosine from the value at length 0 to the value at max, r(t) = r_max + (r_0 - r_max)(1 + cos(pi t / T)) / 2.
 * Short correct answers earn more, short wrong answers are punished more; reaching max gives `exceed`.
 */
export function cosineLengthReward(length: number, correct: boolean, c: CosineLength): number {
  if (length >= c.max) return c.exceed;
  const atZero = correct ? c.correctAtZero : c.wrongAtZero;
  const atMax = correct ? c.correctAtMax : c.wrongAtMax;
  return atMax + ((atZero - atMax) * (1 + Math.cos((Math.PI * Math.max(0, length)) / c.max))) / 2;
}

/**
 * A monotone (non-decreasing, or non-increasing) least-squares fit of y on x: isotonic regression
 * by pool-adjacent-violators. Returns the fitted value at each input point (NaN pairs are skipped
 * and get NaN) and a function that evaluates the fit anywhere (step function, constant outside).
 */
export function isotonicFit(x: Float64Array, y: Float64Array, increasing = true): { fitted: Float64Array; at(x: number): number } {
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) idx.push(i);
  idx.sort((a, b) => x[a] - x[b]);
  const sign = increasing ? 1 : -1;
  // blocks: mean value, weight, and the x range they cover
  const value: number[] = [];
  const weight: number[] = [];
  const firstX: number[] = [];
  for (let k = 0; k < idx.length; ) {
    // points with equal x form one block first
    let j = k;
    let sum = 0;
    while (j < idx.length && x[idx[j]] === x[idx[k]]) sum += y[idx[j++]];
    value.push((sign * sum) / (j - k));
    weight.push(j - k);
    firstX.push(x[idx[k]]);
    while (value.length > 1 && value[value.length - 2] > value[value.length - 1]) {
      const w = weight[weight.length - 2] + weight[weight.length - 1];
      const v = (value[value.length - 2] * weight[weight.length - 2] + value[value.length - 1] * weight[weight.length - 1]) / w;
      value.pop();
      weight.pop();
      firstX.pop();
      value[value.length - 1] = v;
      weight[weight.length - 1] = w;
    }
    k = j;
  }
  const at = (q: number): number => {
    if (value.length === 0 || q !== q) return NaN;
    let lo = 0;
    let hi = firstX.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firstX[mid] <= q) lo = mid;
      else hi = mid - 1;
    }
    return sign * value[lo];
  };
  const fitted = new Float64Array(x.length).fill(NaN);
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) fitted[i] = at(x[i]);
  return { fitted, at };
}

/**
 * Length-bias correction (the idea of FiMi-RM: fit the reward's dependence on length with a
 * monotone non-linear curve and remove it): r' = r - f(length) + mean(f), where f is the isotonic
 * fit of reward on length (direction: the sign of the length-reward covariance unless given),
 * fitted on (calibrationLengths, calibrationRewards) when given, else on the batch itself.
 * The batch's mean reward is kept; what length alone predicts is removed.
 */
export function correctLengthBias(
  rewards: Float64Array,
  lengths: Float64Array,
  options: { direction?: "increasing" | "decreasing"; calibration?: { lengths: Float64Array; rewards: Float64Array } } = {},
): Float64Array {
  const fitX = options.calibration?.lengths ?? lengths;
  const fitY = options.calibration?.rewards ?? rewards;
  const increasing = options.direction ? options.direction === "increasing" : covariance(fitX, fitY) >= 0;
  const fit = isotonicFit(fitX, fitY, increasing);
  const out = new Float64Array(rewards.length);
  let fSum = 0;
  let fCount = 0;
  const f = new Float64Array(rewards.length);
  for (let i = 0; i < rewards.length; i++) {
    f[i] = rewards[i] === rewards[i] ? fit.at(lengths[i]) : NaN;
    if (f[i] === f[i]) {
      fSum += f[i];
      fCount++;
    }
  }
  const fMean = fCount > 0 ? fSum / fCount : 0;
  for (let i = 0; i < rewards.length; i++) out[i] = rewards[i] - f[i] + fMean;
  return out;
}

function covariance(x: Float64Array, y: Float64Array): number {
  let mx = 0;
  let my = 0;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    mx += x[i];
    my += y[i];
    m++;
  }
  if (m < 2) return 0;
  mx /= m;
  my /= m;
  let c = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) c += (x[i] - mx) * (y[i] - my);
  return c;
}
