import { mulberry32 } from "../../core/random.ts";

/**
 * A small seeded PRNG (mulberry32) so that problem sets and sampled completions are the same
 * for the same seed on every machine.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(Math.trunc(seed) ^ 0x9e3779b9);

  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) };
}
