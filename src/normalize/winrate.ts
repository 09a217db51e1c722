import { mulberry32 } from "../core/random.ts";

/**
 * Win-rate rewards from pairwise comparisons within a group (Pref-GRPO: each rollout's reward is
 * its win rate against the others), by round robin (all pairs) or by a seeded single-elimination
 * tournament that needs only N - 1 comparisons (tournament-based relative rewards, as in ArenaRL).
 * A comparison gives the probability (or score) in [0, 1] that `a` beats `b`; 0.5 is a tie.
 * Formulas: docs/normalize.md ("Win-rate rewards").
 */

export interface PairOutcome {
  a: number;
  b: number;
  /** Score of a against b in [0, 1]: 1 a wins, 0 b wins, 0.5 tie (or a preference probability). */
  score: number;
}

/** Each member's mean score over the comparisons it took part in; NaN for a member never compared. */
export function winRates(size: number, outcomes: readonly PairOutcome[]): Float64Array {
  const points = new Float64Array(size);
  const games = new Float64Array(size);
  for (const { a, b, score } of outcomes) {
    if (!(a >= 0 && a < size && b >= 0 && b < size) || a === b) throw new RangeError(`bad pair (${a}, ${b}) for a group of ${size}`);
    if (!(score >= 0 && score <= 1)) throw new RangeError(`a comparison score must be in [0, 1], found ${score}`);
    points[a] += score;
    points[b] += 1 - score;
    games[a]++;
    games[b]++;
  }
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = games[i] > 0 ? points[i] / games[i] : NaN;
  return out;
}

export type Compare = (a: number, b: number) => number | Promise<number>;

/** Round robin: every pair once (N(N-1)/2 comparisons), reward = win rate. */
export async function roundRobin(size: number, compare: Compare): Promise<Float64Array> {
  const outcomes: PairOutcome[] = [];
  for (let a = 0; a < size; a++) for (let b = a + 1; b < size; b++) outcomes.push({ a, b, score: await compare(a, b) });
  return winRates(size, outcomes);
}

export interface Tournament {
  /** Rounds survived / rounds of the bracket: 1 for the champion, 0 for a first-round loser. */
  rewards: Float64Array;
  rounds: number;
  comparisons: number;
}

/**
 * Seeded single elimination: members are shuffled with `seed`, paired in order each round; an odd
 * member out gets a bye (advances without a comparison); a tie (score 0.5) is settled by a seeded
 * coin. N - 1 comparisons; the same seed and comparisons give the same bracket.
 */
export async function singleElimination(size: number, compare: Compare, seed: number): Promise<Tournament> {
  const random = mulberry32(seed);
  const alive = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [alive[i], alive[j]] = [alive[j], alive[i]];
  }
  const rounds = size > 1 ? Math.ceil(Math.log2(size)) : 0;
  const survived = new Float64Array(size);
  let comparisons = 0;
  let field = alive;
  for (let round = 0; field.length > 1; round++) {
    const next: number[] = [];
    for (let k = 0; k + 1 < field.length; k += 2) {
      const a = field[k];
      const b = field[k + 1];
      const s = await compare(a, b);
      if (!(s >= 0 && s <= 1)) throw new RangeError(`a comparison score must be in [0, 1], found ${s} for (${a}, ${b})`);
      comparisons++;
      next.push(s > 0.5 || (s === 0.5 && random() < 0.5) ? a : b);
    }
    if (field.length % 2 === 1) next.push(field[field.length - 1]);
    for (const w of next) survived[w] = round + 1;
    field = next;
  }
  const rewards = new Float64Array(size);
  for (let i = 0; i < size; i++) rewards[i] = rounds > 0 ? Math.min(survived[i], rounds) / rounds : 1;
  return { rewards, rounds, comparisons };
}
