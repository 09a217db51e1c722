import type { OutputRecord, Sample } from "../core/types.ts";
import type { Scorer } from "../pipeline/scorer.ts";
import { aggregateSteps } from "../rewards/steps/aggregate.ts";
import type { Candidate, Problem } from "./types.ts";

/** A score of one candidate; null when the scorer could not score it (with why). */
export interface Scored {
  score: number | null;
  reason?: string;
}

/**
 * Scores partial or complete candidates of one problem, one batch per call. Strategies use one as
 * the step scorer (partial solutions) and one as the outcome scorer (complete answers).
 */
export interface StepScorer {
  score(problem: Problem, candidates: readonly Candidate[]): Promise<Scored[]>;
}

export const STEP_AGGREGATIONS = ["last", "min", "product", "mean"] as const;
export type StepAggregation = (typeof STEP_AGGREGATIONS)[number];

export interface SpecScorerOptions {
  /**
   * How per-step rewards of a result (a process reward model's `steps`) become one score; a result
   * without steps gives its record reward.
   */
  aggregate?: StepAggregation;
  /**
   * A pattern removed from each candidate's text before the spec reads it (e.g. a final answer
   * line a PRM does not score as a step: "\\nAnswer: .*$").
   */
  strip?: RegExp;
}

/**
 * Any compiled rewardsmith spec as a scorer: each candidate becomes a sample (the problem's
 * prompt, the candidate's text as the completion, the problem's reference and meta) and the spec
 * scores the batch at once. The caller owns (and closes) the Scorer.
 */
export function specScorer(scorer: Scorer, options: SpecScorerOptions = {}): StepScorer {
  const aggregate = options.aggregate ?? "last";
  const strip = options.strip;
  return {
    async score(problem, candidates) {
      const samples: Sample[] = candidates.map((c) => {
        const s: Sample = { id: c.id, prompt: problem.prompt, completion: strip ? c.text.replace(strip, "") : c.text };
        if (problem.reference !== undefined) s.reference = problem.reference;
        if (problem.meta) s.meta = problem.meta;
        return s;
      });
      const records = await scorer.scoreSamples(samples);
      return records.map((r) => fromRecord(r, aggregate));
    },
  };
}

function fromRecord(r: OutputRecord, aggregate: StepAggregation): Scored {
  if (r.status !== "ok" || r.reward === null) return { score: null, reason: r.reason ?? r.status };
  const steps = r.steps;
  if (steps && steps.length > 0) {
    const values = steps.map((s) => s.reward);
    if (values.every((v): v is number => typeof v === "number" && Number.isFinite(v))) return { score: aggregateSteps(values, aggregate) };
  }
  return { score: r.reward };
}

/** A scorer from a function of (problem, candidate) (tests, scripted scorers, in-process models). */
export function functionScorer(fn: (problem: Problem, candidate: Candidate) => number | null | Promise<number | null>): StepScorer {
  return {
    async score(problem, candidates) {
      const out = await Promise.all(candidates.map((c) => fn(problem, c)));
      return out.map((score) => ({ score }));
    },
  };
}
