/** Geometry of GUI grounding rewards. Boxes are [x1, y1, x2, y2] with x1 <= x2, y1 <= y2. */

export type Point = readonly [number, number];
export type Box = readonly [number, number, number, number];

export function center(b: Box): Point {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}

export function pointInBox(p: Point, b: Box): boolean {
  return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = w > 0 && h > 0 ? w * h : 0;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * GUI-G² Gaussian point reward: the target is N(μ, diag(σx², σy²)) with μ its centre and
 * σ = α·(width, height); the reward is the unnormalised density at the point,
 * exp(−½((x−μx)²/σx² + (y−μy)²/σy²)), 1 at the centre.
 */
export function gaussianPoint(p: Point, target: Box, alpha: number): number {
  const [mx, my] = center(target);
  const sx = alpha * (target[2] - target[0]);
  const sy = alpha * (target[3] - target[1]);
  return Math.exp(-0.5 * (((p[0] - mx) / sx) ** 2 + ((p[1] - my) / sy) ** 2));
}

/**
 * GUI-G² coverage reward as the authors' code computes it: both boxes become Gaussians
 * (centre, σ = α·size); the reward is the Bhattacharyya coefficient exp(−D_B), with, per axis i,
 * σ̄ᵢ² = (σpᵢ² + σgᵢ²)/2 and D_B = Σᵢ (Δμᵢ²/(8σ̄ᵢ²) + ½·ln(σ̄ᵢ²/(σpᵢ·σgᵢ))). 1 only for the same box.
 */
export function gaussianCoverage(pred: Box, target: Box, alpha: number): number {
  const cp = center(pred);
  const cg = center(target);
  let d = 0;
  for (let i = 0; i < 2; i++) {
    const sp = alpha * (pred[i + 2] - pred[i]);
    const sg = alpha * (target[i + 2] - target[i]);
    const avg = (sp * sp + sg * sg) / 2;
    d += (cp[i] - cg[i]) ** 2 / (8 * avg) + 0.5 * Math.log(avg / (sp * sg));
  }
  // Only overflow gives NaN (∞/∞ for a box beyond ~1e150 pixels), where the coefficient is ~0.
  return Number.isNaN(d) ? 0 : Math.exp(-d);
}

/**
 * GUI-G1's box-size reward (its `box_reward`): each coordinate's closeness 1 − |Δ|/image side,
 * combined by harmonic mean, so oversized (or undersized) boxes lose reward even when they
 * contain the target. 0 when any coordinate is off by a full image side or more.
 */
export function boxSizeReward(pred: Box, target: Box, width: number, height: number): number {
  const sides = [width, height, width, height];
  let inv = 0;
  for (let i = 0; i < 4; i++) {
    const c = 1 - Math.abs(pred[i] - target[i]) / sides[i];
    if (c <= 0) return 0;
    inv += 1 / c;
  }
  return 4 / inv;
}
