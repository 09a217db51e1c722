import { errorMessage } from "../core/errors.ts";
import type { RewardRegistry } from "../core/registry.ts";
import { createScorer, type SpecSource } from "../pipeline/score.ts";
import type { Scorer, ScorerOptions } from "../pipeline/scorer.ts";
import type { AnswerMatch } from "./answers.ts";
import { AnswerClasses } from "./answers.ts";
import { type GenerateFn, generatorConfig, type GeneratorConfig, OpenAIGenerator } from "./generator.ts";
import { type Budget, type Candidate, type Problem, type Sampling, SearchRun, type Trace } from "./run.ts";
import { specScorer, type StepAggregation, type StepScorer } from "./scorers.ts";
import { beam } from "./strategies/beam.ts";
import { bestOfN } from "./strategies/best-of-n.ts";
import type { Strategy, StrategyOptions } from "./strategies/common.ts";
import { dvts } from "./strategies/dvts.ts";
import { majority } from "./strategies/majority.ts";
import { particleFilter } from "./strategies/particle-filter.ts";
import { weightedVote } from "./strategies/weighted-vote.ts";

export const STRATEGIES = {
  best_of_n: bestOfN,
  majority,
  weighted_vote: weightedVote,
  beam,
  dvts,
  particle_filter: particleFilter,
} satisfies Record<string, Strategy>;
export type StrategyName = keyof typeof STRATEGIES;
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

/** Strategies that grow answers step by step and need a step scorer. */
const STEPWISE = new Set<StrategyName>(["beam", "dvts", "particle_filter"]);

/** Everything a search needs; only `strategy` and a generator are required. */
export interface SearchOptions {
  strategy: StrategyName;
  /** The generator: a function, an OpenAIGenerator, or its config (base_url, model, mode ...). */
  generator: GenerateFn | OpenAIGenerator | Partial<GeneratorConfig>;
  /** Width (samples, particles, candidates per step); `budget.samples` sets it too. Default 8. */
  n?: number;
  /** Expansions per beam / DVTS node. Default 4 (at most n). */
  k?: number;
  lookahead?: number;
  /** The outcome reward on complete answers: a spec (compiled once) or a scorer. */
  spec?: SpecSource | Scorer | StepScorer;
  /** The step scorer on partial answers (a PRM through `type: prm`, a judge, a rule spec) or a scorer. */
  stepSpec?: SpecSource | Scorer | StepScorer;
  /** How a step-spec result's per-step rewards become one score. Default last. */
  aggregate?: StepAggregation;
  /** A pattern removed from candidates before the step spec reads them (a final line the PRM does not score). */
  stepStrip?: RegExp;
  /** Pick answers by the step scorer or the outcome reward; default: step when there is a step scorer. */
  select?: "step" | "outcome";
  answer?: AnswerMatch;
  budget?: Budget & { samples?: number };
  sampling?: Sampling;
  /** Ends a step. Default "\n\n". */
  delimiter?: string;
  /** A candidate with this many steps counts as complete. Default 32. */
  maxSteps?: number;
  resample?: "every" | "ess";
  essThreshold?: number;
  potentialTemperature?: number;
  final?: "weight" | "outcome";
  /** Base seed of requests and resampling; problem i uses seed + 1000003·i. */
  seed?: number;
  /** Keep the whole tree in each result's trace. */
  tree?: boolean;
  registry?: RewardRegistry;
  scorerOptions?: ScorerOptions;
}

/** One output line per problem. */
export interface SearchRecord {
  id: string | number | null;
  status: "ok" | "error";
  reason?: string;
  strategy: StrategyName;
  /** The chosen answer's text; null when nothing was generated. */
  answer: string | null;
  /** Its final answer as votes read it (when one is readable). */
  final_answer?: string;
  /** The chosen answer ended (not cut by the budget or max_tokens). */
  complete?: boolean;
  /** Its step-scorer score, when it has one. */
  score?: number | null;
  /** Its outcome reward (the spec), when there is an outcome reward. */
  reward?: number | null;
  /** The best outcome reward among the complete candidates: what an oracle picking among them gets (pass@n for 0/1 rewards). */
  oracle?: number | null;
  /** Complete candidates considered. */
  candidates: number;
  votes?: Array<{ answer: string; count: number; weight?: number }>;
  trace: Trace;
}

/** A compiled search: generator client, scorers and options, reused for every problem. */
export class Searcher {
  readonly options: Required<Pick<SearchOptions, "strategy" | "n" | "k" | "delimiter" | "maxSteps">> & SearchOptions;
  private readonly generate: GenerateFn;
  private readonly outcome: StepScorer | undefined;
  private readonly step: StepScorer | undefined;
  private readonly owned: Scorer[] = [];
  private readonly strategy: Strategy;
  private readonly strategyOptions: StrategyOptions;

  constructor(options: SearchOptions) {
    const strategy = STRATEGIES[options.strategy];
    if (!strategy) throw new TypeError(`unknown strategy "${options.strategy}" (one of ${STRATEGY_NAMES.join(", ")})`);
    const n = options.budget?.samples ?? options.n ?? 8;
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`n must be a positive integer, found ${n}`);
    const k = Math.min(options.k ?? 4, n);
    if (!Number.isInteger(k) || k < 1) throw new TypeError(`k must be a positive integer, found ${options.k}`);
    this.options = { ...options, n, k, delimiter: options.delimiter ?? "\n\n", maxSteps: options.maxSteps ?? 32 };
    this.strategy = strategy;
    const g = options.generator;
    this.generate = typeof g === "function" ? g : g instanceof OpenAIGenerator ? g.generate : new OpenAIGenerator(generatorConfig(g)).generate;
    this.outcome = this.scorerOf(options.spec, "last");
    this.step = this.scorerOf(options.stepSpec, options.aggregate ?? "last", options.stepStrip);
    if (STEPWISE.has(options.strategy) && !this.step) throw new TypeError(`strategy ${options.strategy} needs a step scorer (stepSpec / --step-spec)`);
    const select = options.select ?? (this.step ? "step" : "outcome");
    if (select === "step" && !this.step && (options.strategy === "best_of_n" || options.strategy === "weighted_vote")) throw new TypeError(`select: step needs a step scorer`);
    if (select === "outcome" && !this.outcome && options.strategy !== "majority") throw new TypeError(`strategy ${options.strategy} needs a scorer: an outcome spec (spec / --spec) or a step scorer (stepSpec / --step-spec)`);
    if (options.final === "outcome" && !this.outcome) throw new TypeError("final: outcome needs an outcome spec");
    if (options.potentialTemperature !== undefined && !(options.potentialTemperature > 0)) throw new TypeError(`potential temperature must be > 0, found ${options.potentialTemperature}`);
    if (options.essThreshold !== undefined && !(options.essThreshold >= 0 && options.essThreshold <= 1)) throw new TypeError(`ESS threshold must be in [0, 1], found ${options.essThreshold}`);
    this.strategyOptions = {
      n,
      k,
      lookahead: options.lookahead ?? 0,
      select,
      answer: options.answer ?? "math",
      resample: options.resample ?? "ess",
      essThreshold: options.essThreshold ?? 0.5,
      potentialTemperature: options.potentialTemperature ?? 1,
      final: options.final ?? "weight",
      seed: options.seed ?? 0,
    };
  }

  private scorerOf(source: SearchOptions["spec"], aggregate: StepAggregation, strip?: RegExp): StepScorer | undefined {
    if (source === undefined) return undefined;
    if (typeof source === "object" && "score" in source && typeof (source as StepScorer).score === "function" && !("scoreSamples" in source)) return source as StepScorer;
    if (typeof source === "object" && "scoreSamples" in source) return specScorer(source as Scorer, { aggregate, strip });
    const scorer = createScorer(source as SpecSource, this.options.registry, this.options.scorerOptions);
    this.owned.push(scorer);
    return specScorer(scorer, { aggregate, strip });
  }

  /** Search one problem; never throws: a failure is an error record with the partial trace. */
  async run(problem: Problem, index = 0, signal?: AbortSignal): Promise<SearchRecord> {
    const o = this.options;
    const seed = o.seed === undefined ? undefined : (o.seed + 1_000_003 * index) % 2_147_483_647;
    const run = new SearchRun(problem, {
      generate: this.generate,
      stepScorer: this.step,
      outcomeScorer: this.outcome,
      delimiter: o.delimiter,
      maxSteps: o.maxSteps,
      budget: { tokens: o.budget?.tokens, calls: o.budget?.calls },
      sampling: o.sampling ?? {},
      seed,
      signal,
      tree: o.tree === true,
    });
    const id = problem.id ?? null;
    try {
      const selection = await this.strategy(run, { ...this.strategyOptions, seed: seed ?? this.strategyOptions.seed });
      const chosen = selection.chosen;
      const evaluated = chosen && !selection.candidates.includes(chosen) ? [...selection.candidates, chosen] : selection.candidates;
      if (this.outcome) await run.scoreOutcomes(evaluated.filter((c) => c.complete || c === chosen));
      const record: SearchRecord = { id, status: "ok", strategy: o.strategy, answer: chosen ? chosen.text : null, candidates: selection.candidates.length, trace: run.trace };
      if (chosen) {
        const final = new AnswerClasses(this.strategyOptions.answer).answerOf(chosen.text);
        if (final !== undefined) record.final_answer = final;
        record.complete = chosen.complete && !chosen.truncated;
        if (chosen.score !== undefined) record.score = chosen.score;
      } else {
        record.status = "error";
        record.reason = "no answer was generated (the budget allowed no request)";
      }
      if (this.outcome) {
        record.reward = chosen?.outcome ?? null;
        record.oracle = best(selection.candidates.map((c) => c.outcome));
      }
      if (selection.votes) record.votes = selection.votes;
      run.finish(chosen);
      // The trace last: it may hold the whole tree.
      const { trace, ...rest } = record;
      return { ...rest, trace };
    } catch (err) {
      run.finish(undefined);
      return { id, status: "error", reason: `search failed: ${errorMessage(err)}`, strategy: o.strategy, answer: null, candidates: 0, trace: run.trace };
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.owned.map((s) => s.close()));
  }
}

function best(values: Array<number | null | undefined>): number | null {
  let m: number | null = null;
  for (const v of values) if (typeof v === "number" && (m === null || v > m)) m = v;
  return m;
}

/** Search problems with one strategy: one record per problem, in order (`concurrency` problems at a time, default 4). */
export async function search(problems: Problem | readonly Problem[], options: SearchOptions & { concurrency?: number }): Promise<SearchRecord[]> {
  const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
  const searcher = new Searcher(options);
  try {
    const out = new Array<SearchRecord>(list.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < list.length; i = next++) out[i] = await searcher.run(list[i], i);
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, list.length) }, worker));
    return out;
  } finally {
    await searcher.close();
  }
}

export type { Candidate };
