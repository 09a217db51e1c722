import type { AnswerMatch } from "../answers.ts";
import type { Candidate, SearchRun } from "../run.ts";

/** The knobs strategies read (each uses its own; docs/search.md lists them). */
export interface StrategyOptions {
  /** Width: samples (best-of-n, votes), particles, or candidates per step (beam, DVTS). */
  n: number;
  /** Expansions per beam / per subtree node (beam, DVTS). */
  k: number;
  /** Beam: greedy steps rolled out past each candidate before scoring it. */
  lookahead: number;
  /** What picks the answer among complete candidates: the step scorer (a reward model, no reference) or the outcome scorer. */
  select: "step" | "outcome";
  /** Votes: when two answers are the same. */
  answer: AnswerMatch;
  /** Particle filter: resample every step, or when the effective sample size falls below ess_threshold · n. */
  resample: "every" | "ess";
  essThreshold: number;
  /** Particle filter: potential = logit(score) / potentialTemperature. */
  potentialTemperature: number;
  /** Particle filter: the final particle by weight or by the outcome reward. */
  final: "weight" | "outcome";
  /** Seed of the strategy's own randomness (resampling). */
  seed: number;
}

/** What a strategy hands back: the answer it picked and the complete candidates it considered. */
export interface Selection {
  chosen: Candidate | undefined;
  candidates: Candidate[];
  votes?: Array<{ answer: string; count: number; weight?: number }>;
}

export type Strategy = (run: SearchRun, o: StrategyOptions) => Promise<Selection>;

export function defined<T>(x: T | undefined): x is T {
  return x !== undefined;
}

/** A selection key as a number: null, undefined and NaN rank below every number. */
function rankValue(v: number | null | undefined): number {
  return typeof v === "number" && !Number.isNaN(v) ? v : -Infinity;
}

/** Highest key first; a null key ranks below every number; ties go to the earliest candidate (lowest id). */
export function argmax(cands: readonly Candidate[], key: (c: Candidate) => number | null | undefined): Candidate | undefined {
  let best: Candidate | undefined;
  let bestKey = -Infinity;
  for (const c of cands) {
    const k = rankValue(key(c));
    if (best === undefined || k > bestKey || (k === bestKey && c.id < best.id)) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

/** Candidates sorted best first by the same rule as argmax. */
export function ranked(cands: readonly Candidate[], key: (c: Candidate) => number | null | undefined): Candidate[] {
  const k = (c: Candidate) => rankValue(key(c));
  return [...cands].sort((a, b) => k(b) - k(a) || a.id - b.id);
}

/** Score complete candidates for selection and return the key to pick by. */
export async function selectionKey(run: SearchRun, cands: readonly Candidate[], select: "step" | "outcome"): Promise<(c: Candidate) => number | null | undefined> {
  if (select === "step") {
    const unscored = cands.filter((c) => c.score === undefined);
    if (unscored.length > 0) await run.scoreSteps(unscored);
    return (c) => c.score;
  }
  await run.scoreOutcomes(cands);
  return (c) => c.outcome;
}

/** n full samples from the root (fewer when the budget runs out). */
export async function sampleN(run: SearchRun, n: number): Promise<Candidate[]> {
  const root = run.root();
  return (await run.extend(new Array<Candidate>(n).fill(root), false)).filter(defined);
}
