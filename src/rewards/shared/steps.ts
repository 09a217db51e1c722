/**
 * Step rewards (process reward models) and credit assignment: aggregate a record's step rewards
 * into one outcome score, turn them into per-step returns, gate them on the outcome.
 * Formulas: docs/normalize.md ("Step rewards").
 */

export const STEP_AGGREGATES = ["min", "last", "mean", "product", "first_error"] as const;
export type StepAggregate = (typeof STEP_AGGREGATES)[number];

/** Index of the first step whose reward is below `threshold`, or -1 when every step passes (ProcessBench's label). */
export function firstErrorIndex(rewards: readonly number[], threshold: number): number {
  for (let i = 0; i < rewards.length; i++) if (rewards[i] < threshold) return i;
  return -1;
}

/**
 * One score from step rewards (at least one step): min (PURE's min-form: a chain is as good as its
 * worst step), last, mean, product (every step right), first_error (the share of steps before
 * the first one below `threshold`: 1 when none is).
 */
export function aggregateSteps(rewards: readonly number[], how: StepAggregate, threshold = 0.5): number {
  const n = rewards.length;
  if (n === 0) throw new RangeError("no steps to aggregate");
  switch (how) {
    case "min": {
      let m = Infinity;
      for (const r of rewards) if (r < m) m = r;
      return m;
    }
    case "last":
      return rewards[n - 1];
    case "mean": {
      let s = 0;
      for (const r of rewards) s += r;
      return s / n;
    }
    case "product": {
      let p = 1;
      for (const r of rewards) p *= r;
      return p;
    }
    case "first_error": {
      const i = firstErrorIndex(rewards, threshold);
      return i < 0 ? 1 : i / n;
    }
  }
}

/** Discounted returns G_t = sum over k >= t of gamma^(k-t) r_k (gamma = 1: reward-to-go). */
export function discountedReturns(rewards: readonly number[], gamma = 1): number[] {
  const out = new Array<number>(rewards.length);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
  return out;
}

/**
 * Min-form credit assignment (PURE, Cheng et al. 2025, "Stop Summation: Min-Form Credit
 * Assignment Is All Process Reward Model Needs for Reasoning"): the value of step t is the
 * minimum step reward from t to the end, so a later mistake lowers every step before it and a
 * long chain of small rewards cannot outgrow a correct short one.
 */
export function minFormReturns(rewards: readonly number[]): number[] {
  const out = new Array<number>(rewards.length);
  let m = Infinity;
  for (let t = rewards.length - 1; t >= 0; t--) {
    if (rewards[t] < m) m = rewards[t];
    out[t] = m;
  }
  return out;
}

/**
 * Correctness-gated step rewards: process rewards count only when the outcome passes, so a policy
 * cannot collect step rewards on a wrong answer. Returns the gated steps and the total
 * outcome + weight * sum(gated steps).
 */
export function gatedStepReward(outcome: number, steps: readonly number[], options: { threshold?: number; weight?: number } = {}): { steps: number[]; total: number } {
  const pass = outcome >= (options.threshold ?? 1);
  const gated = steps.map((r) => (pass ? r : 0));
  const weight = options.weight ?? 1;
  let total = outcome;
  for (const r of gated) total += weight * r;
  return { steps: gated, total };
}

/**
 * The step texts of a record: its own steps' texts (`steps: [{text}]`), or the completion cut at
 * the delimiter (pieces trimmed, empty ones dropped); a string says why there are none.
 */
export function stepTexts(ownSteps: ReadonlyArray<{ text?: unknown } | null> | undefined, completion: string, o: { steps_from: "auto" | "record" | "delimiter"; delimiter: string }): string[] | string {
  const ownTexts = Array.isArray(ownSteps) && ownSteps.length > 0 && ownSteps.every((s) => typeof s?.text === "string") ? ownSteps.map((s) => String(s!.text)) : undefined;
  if (o.steps_from === "record" || (o.steps_from === "auto" && ownTexts)) {
    if (!ownTexts) return "the record has no steps with a text (steps_from: record)";
    return ownTexts;
  }
  return completion
    .split(o.delimiter)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
