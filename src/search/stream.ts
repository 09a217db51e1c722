import type { Readable, Writable } from "node:stream";
import { drained, LineSplitter } from "../pipeline/jsonl.ts";
import { StreamIoError } from "../pipeline/stream.ts";
import type { Problem, Trace } from "./run.ts";
import type { Searcher, SearchRecord } from "./search.ts";

const PROBLEM_KEYS = new Set(["id", "prompt", "reference"]);

/** A problem from a parsed JSON value, or why it cannot be one. */
export function toProblem(value: unknown): Problem | string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "expected a JSON object with a prompt";
  const v = value as Record<string, unknown>;
  const prompt = v.prompt;
  const isMessages = Array.isArray(prompt) && prompt.length > 0 && prompt.every((m) => m !== null && typeof m === "object" && typeof (m as { role?: unknown }).role === "string");
  if (typeof prompt !== "string" && !isMessages) return 'prompt: expected a string or a list of chat messages [{"role", "content"}]';
  if (typeof prompt === "string" && prompt.trim() === "") return "prompt: empty";
  const id = v.id;
  const problem: Problem = { prompt: prompt as Problem["prompt"] };
  if (typeof id === "string" || typeof id === "number") problem.id = id;
  if (v.reference !== undefined) problem.reference = v.reference;
  const meta: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!PROBLEM_KEYS.has(k)) meta[k] = x;
  if (Object.keys(meta).length > 0) problem.meta = meta;
  return problem;
}

const EMPTY_TRACE = (): Trace => ({ prompt_tokens: 0, completion_tokens: 0, generator_calls: 0, scorer_calls: { step: 0, outcome: 0 }, scored: { step: 0, outcome: 0 }, wall_ms: 0 });

/** What a search run reports at the end. */
export interface SearchSummary {
  problems: number;
  ok: number;
  error: number;
  /** Problems with an outcome reward on the chosen answer. */
  rewarded: number;
  /** Mean outcome reward of the chosen answers (accuracy for a 0/1 verifier). */
  reward_mean?: number;
  /** Mean best outcome reward among each problem's candidates (pass@n for a 0/1 verifier). */
  oracle_mean?: number;
  prompt_tokens: number;
  completion_tokens: number;
  generator_calls: number;
  scorer_calls: number;
  wall_seconds: number;
}

export class SearchSummaryBuilder {
  private s = { problems: 0, ok: 0, error: 0, rewarded: 0, reward: 0, oracled: 0, oracle: 0, prompt: 0, completion: 0, calls: 0, scorer: 0 };
  private readonly started = performance.now();

  add(r: SearchRecord): void {
    const s = this.s;
    s.problems++;
    if (r.status === "ok") s.ok++;
    else s.error++;
    if (typeof r.reward === "number") {
      s.rewarded++;
      s.reward += r.reward;
    }
    if (typeof r.oracle === "number") {
      s.oracled++;
      s.oracle += r.oracle;
    }
    s.prompt += r.trace.prompt_tokens;
    s.completion += r.trace.completion_tokens;
    s.calls += r.trace.generator_calls;
    s.scorer += r.trace.scorer_calls.step + r.trace.scorer_calls.outcome;
  }

  summary(): SearchSummary {
    const s = this.s;
    const out: SearchSummary = {
      problems: s.problems,
      ok: s.ok,
      error: s.error,
      rewarded: s.rewarded,
      prompt_tokens: s.prompt,
      completion_tokens: s.completion,
      generator_calls: s.calls,
      scorer_calls: s.scorer,
      wall_seconds: (performance.now() - this.started) / 1000,
    };
    // Problems without a reward (errors, unscorable) count as 0: accuracy over every problem asked.
    if (s.rewarded > 0) out.reward_mean = s.reward / s.problems;
    if (s.oracled > 0) out.oracle_mean = s.oracle / s.problems;
    return out;
  }
}

export interface SearchStreamOptions {
  /** Problems searched at the same time (default 4). */
  concurrency?: number;
  onRecord?: (record: SearchRecord, done: number) => void;
}

/**
 * Search every line of a JSONL stream of problems and write one result line per input line, in
 * input order (a line that is not a problem gets an error record). At most `concurrency`
 * problems are in flight; writes respect backpressure.
 */
export async function searchStream(searcher: Searcher, input: Readable, output: Writable, options: SearchStreamOptions = {}): Promise<SearchSummary> {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const stats = new SearchSummaryBuilder();
  const inFlight: Array<Promise<SearchRecord>> = [];
  const failed: { error?: Error } = {};
  output.on("error", (err) => (failed.error ??= err));
  const check = () => {
    if (failed.error) throw new StreamIoError(`cannot write the output: ${failed.error.message}`);
  };
  let index = 0;
  let done = 0;
  const flushOne = async () => {
    const rec = await inFlight.shift()!;
    stats.add(rec);
    done++;
    options.onRecord?.(rec, done);
    check();
    if (!output.write(JSON.stringify(rec) + "\n")) await drained(output);
    check();
  };
  const addLine = async (raw: string) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const lineNo = ++index;
    inFlight.push(startLine(searcher, line, lineNo));
    if (inFlight.length >= concurrency) await flushOne();
  };
  const lines = new LineSplitter();
  try {
    for await (const chunk of input) {
      for (const line of lines.push(typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8"))) await addLine(line);
    }
  } catch (err) {
    if (err instanceof StreamIoError) throw err;
    throw new StreamIoError(`cannot read the input: ${(err as Error).message}`);
  }
  const last = lines.end();
  if (last.trim() !== "") await addLine(last);
  while (inFlight.length > 0) await flushOne();
  return stats.summary();
}

function startLine(searcher: Searcher, line: string, lineNo: number): Promise<SearchRecord> {
  const fail = (reason: string): Promise<SearchRecord> =>
    Promise.resolve({ id: null, status: "error", reason: `line ${lineNo}: ${reason}`, strategy: searcher.options.strategy, answer: null, candidates: 0, trace: EMPTY_TRACE() });
  if (line.trim() === "") return fail("empty line");
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  const problem = toProblem(value);
  if (typeof problem === "string") {
    const id = (value as { id?: unknown } | null)?.id;
    return fail(problem).then((r) => ({ ...r, id: typeof id === "string" || typeof id === "number" ? id : null }));
  }
  return searcher.run(problem, lineNo - 1);
}
