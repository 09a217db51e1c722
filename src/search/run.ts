import type { GenerateFn, Generation, GenerationRequest } from "./generator.ts";
import type { Scored, StepScorer } from "./scorers.ts";
import type { Candidate, Problem } from "./types.ts";

export type { Candidate, Problem } from "./types.ts";

/** Hard caps on one problem's spend; no new generator request starts once one is reached. */
export interface Budget {
  /** Completion tokens generated. */
  tokens?: number;
  /** Generator requests. */
  calls?: number;
}

/** What one problem's search spent (and, with `tree`, everything it tried). */
export interface Trace {
  prompt_tokens: number;
  completion_tokens: number;
  generator_calls: number;
  /** Batched calls to the step scorer and to the outcome scorer. */
  scorer_calls: { step: number; outcome: number };
  /** Candidates scored (the same batches counted per candidate). */
  scored: { step: number; outcome: number };
  wall_ms: number;
  /** A cap of the budget stopped the search early. */
  budget_exhausted?: true;
  tree?: TreeNode[];
}

export interface TreeNode {
  id: number;
  parent: number | null;
  /** The text this node added to its parent. */
  text: string;
  complete: boolean;
  score?: number | null;
  outcome?: number | null;
  /** Chosen as the answer. */
  chosen?: true;
}

/** Sampling settings of a search (the generator's own defaults fill what is left out). */
export interface Sampling {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Most tokens of one step (step-level strategies); default maxTokens. */
  stepMaxTokens?: number;
  /** Stop strings of a whole answer (besides end of text). */
  stop?: string[];
}

export interface RunOptions {
  generate: GenerateFn;
  stepScorer?: StepScorer;
  outcomeScorer?: StepScorer;
  /** Ends a step: a step-level generation stops here and the delimiter joins the text. */
  delimiter: string;
  /** A candidate with this many steps counts as complete. */
  maxSteps: number;
  budget: Budget;
  sampling: Sampling;
  /** Base seed: request i of this problem gets `seed + i`; undefined sends none. */
  seed?: number;
  signal?: AbortSignal;
  /** Keep every node in trace.tree. */
  tree: boolean;
}

/** Search stopped by the caller (deadline, client gone). */
export class SearchAborted extends Error {
  override name = "SearchAborted";
}

/**
 * One problem's search state: issues generator requests (seeded in issue order, so a search is
 * reproducible however the replies interleave), counts every token, call and scorer call, keeps
 * the tree, and enforces the budget.
 */
export class SearchRun {
  readonly problem: Problem;
  readonly options: RunOptions;
  readonly trace: Trace = {
    prompt_tokens: 0,
    completion_tokens: 0,
    generator_calls: 0,
    scorer_calls: { step: 0, outcome: 0 },
    scored: { step: 0, outcome: 0 },
    wall_ms: 0,
  };
  private readonly started = performance.now();
  private nextId = 0;
  private issued = 0;
  private readonly nodes = new Map<number, TreeNode>();

  constructor(problem: Problem, options: RunOptions) {
    this.problem = problem;
    this.options = options;
  }

  get stepScorer(): StepScorer | undefined {
    return this.options.stepScorer;
  }

  /** A cap is reached: no new request may start. */
  exhausted(): boolean {
    const b = this.options.budget;
    const out = (b.calls !== undefined && this.issued >= b.calls) || (b.tokens !== undefined && this.trace.completion_tokens >= b.tokens);
    if (out) this.trace.budget_exhausted = true;
    return out;
  }

  /** The root: an empty answer. */
  root(): Candidate {
    return this.node(null, "", [], false, "");
  }

  /**
   * Sample each parent's continuation: to the step delimiter (`step`) or to the end of the answer.
   * Parents the budget leaves unextended come back as they were (`undefined` in the list).
   */
  async extend(parents: readonly Candidate[], step: boolean, sampling: Sampling = {}): Promise<Array<Candidate | undefined>> {
    const requests: Array<Promise<Generation> | undefined> = parents.map((p) => {
      if (p.complete || this.exhausted()) return undefined;
      return this.call(p.text, step, sampling);
    });
    const settled = await Promise.allSettled(requests.map((r) => r ?? Promise.resolve(undefined)));
    const failure = settled.find((s) => s.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
    return parents.map((p, i) => {
      const g = (settled[i] as PromiseFulfilledResult<Generation | undefined>).value;
      if (g === undefined) return undefined;
      return this.child(p, g, step);
    });
  }

  private call(prefix: string, step: boolean, sampling: Sampling): Promise<Generation> {
    if (this.options.signal?.aborted) return Promise.reject(new SearchAborted(abortReason(this.options.signal)));
    const s = { ...this.options.sampling, ...sampling };
    const index = this.issued++;
    const stop = step ? [this.options.delimiter, ...(s.stop ?? [])] : s.stop;
    const request: GenerationRequest = { prompt: this.problem.prompt, prefix, stop, maxTokens: step ? (s.stepMaxTokens ?? s.maxTokens) : s.maxTokens, temperature: s.temperature, topP: s.topP };
    if (this.options.seed !== undefined) request.seed = (this.options.seed + index) % 2_147_483_647;
    return this.options.generate(request, this.options.signal).then((g) => {
      this.trace.generator_calls++;
      this.trace.prompt_tokens += g.promptTokens;
      this.trace.completion_tokens += g.completionTokens;
      return g;
    });
  }

  private child(parent: Candidate, g: Generation, step: boolean): Candidate {
    const steps = [...parent.steps];
    let added: string;
    let complete: boolean;
    if (step) {
      // A step ends at the delimiter; end of text (or an empty step) ends the answer.
      const ended = g.finish === "stop" && g.text.trim() !== "";
      added = ended ? g.text + this.options.delimiter : g.text;
      if (g.text.trim() !== "") steps.push(g.text);
      complete = !ended || steps.length >= this.options.maxSteps;
    } else {
      added = g.text;
      steps.push(...splitSteps(g.text, this.options.delimiter));
      complete = true;
    }
    const c = this.node(parent.id, parent.text + added, steps, complete, added);
    if (g.finish === "length") c.truncated = true;
    return c;
  }

  private node(parent: number | null, text: string, steps: string[], complete: boolean, added: string): Candidate {
    const c: Candidate = { id: this.nextId++, parent, text, steps, complete };
    if (this.options.tree) this.nodes.set(c.id, { id: c.id, parent, text: added, complete });
    return c;
  }

  /** A copy of a candidate under a new id (particle resampling), sharing its parent. */
  clone(c: Candidate): Candidate {
    const copy: Candidate = { ...c, id: this.nextId++, steps: [...c.steps] };
    if (this.options.tree) this.nodes.set(copy.id, { id: copy.id, parent: c.parent, text: this.nodes.get(c.id)?.text ?? "", complete: c.complete, score: c.score });
    return copy;
  }

  /** Score candidates with the step scorer (one batched call); sets `score`. */
  async scoreSteps(cands: readonly Candidate[]): Promise<void> {
    const scorer = this.options.stepScorer;
    if (!scorer) throw new Error("this strategy needs a step scorer (--step-spec)");
    await this.scoreWith(scorer, cands, "step");
  }

  /** Score complete candidates with the outcome scorer; sets `outcome`. Skips ones already scored. */
  async scoreOutcomes(cands: readonly Candidate[]): Promise<void> {
    const scorer = this.options.outcomeScorer;
    if (!scorer) return;
    // Resampled particles repeat texts: score each text once.
    const byText = new Map<string, Candidate[]>();
    for (const c of cands) {
      if (c.outcome !== undefined) continue;
      const same = byText.get(c.text);
      if (same) same.push(c);
      else byText.set(c.text, [c]);
    }
    const unique = [...byText.values()].map((group) => group[0]);
    await this.scoreWith(scorer, unique, "outcome");
    for (const group of byText.values()) for (let i = 1; i < group.length; i++) group[i].outcome = group[0].outcome;
  }

  private async scoreWith(scorer: StepScorer, cands: readonly Candidate[], kind: "step" | "outcome"): Promise<void> {
    if (cands.length === 0) return;
    if (this.options.signal?.aborted) throw new SearchAborted(abortReason(this.options.signal));
    this.trace.scorer_calls[kind]++;
    this.trace.scored[kind] += cands.length;
    const scores: Scored[] = await scorer.score(this.problem, cands);
    for (let i = 0; i < cands.length; i++) {
      const v = scores[i]?.score ?? null;
      if (kind === "step") cands[i].score = v;
      else cands[i].outcome = v;
      if (this.options.tree) {
        const n = this.nodes.get(cands[i].id);
        if (n) n[kind === "step" ? "score" : "outcome"] = v;
      }
    }
  }

  /** Stop the clock; attach the tree (with the chosen node marked). */
  finish(chosen: Candidate | undefined): Trace {
    this.trace.wall_ms = Math.round((performance.now() - this.started) * 1000) / 1000;
    if (this.options.tree) {
      if (chosen) {
        const n = this.nodes.get(chosen.id);
        if (n) n.chosen = true;
      }
      this.trace.tree = [...this.nodes.values()];
    }
    return this.trace;
  }
}

/** The steps of a whole answer: its delimiter-separated non-empty pieces. */
export function splitSteps(text: string, delimiter: string): string[] {
  return text.split(delimiter).filter((s) => s.trim() !== "");
}

function abortReason(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return r instanceof Error ? r.message : typeof r === "string" ? r : "the search was cancelled";
}
