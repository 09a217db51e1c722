import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { parse as parseYaml } from "yaml";
import { ZodError } from "zod";
import { UsageError } from "../../core/errors.ts";
import { StreamIoError } from "../../pipeline/stream.ts";
import { loadSpec } from "../../spec/parse.ts";
import type { AnswerMatch } from "../../search/answers.ts";
import { generatorConfig, type GeneratorConfig } from "../../search/generator.ts";
import { STEP_AGGREGATIONS, type StepAggregation } from "../../search/scorers.ts";
import { type SearchOptions, Searcher, STRATEGY_NAMES, type StrategyName } from "../../search/search.ts";
import { type SearchSummary, searchStream } from "../../search/stream.ts";
import { nonNegativeInt, parseCommandArgs, positiveInt } from "../args.ts";

export const searchHelp = `rewardsmith search --generator <url | file> --strategy <s> [options] <problems.jsonl | ->

Reward-guided inference: for each problem ({"id", "prompt", "reference"?} per line) sample
answers from an OpenAI-compatible server and pick one with a reward. Writes one result line per
input line, in input order (a dead generator gives error records with the partial trace), and a
summary on stderr (with references: accuracy of the chosen answers and the oracle pass@n).
See docs/search.md.

Strategies: ${STRATEGY_NAMES.join(", ")}
  (beam, dvts and particle_filter need --step-spec)

Options:
  --generator <url|file>    API root (http://127.0.0.1:8000/v1) or a YAML/JSON file of generator
                            fields (base_url, model, mode, temperature, max_tokens, retries ...)  (required)
  --model <name>            model name sent with each request
  --mode <m>                auto, chat or completions                               (default auto)
  --strategy <s>            search strategy                                          (required)
  --spec <file>             outcome reward of complete answers (a verifier, a reward model)
  --step-spec <file>        step scorer of partial answers (a PRM spec, a judge, a rule)
  --aggregate <a>           per-step rewards of the step spec: ${STEP_AGGREGATIONS.join(", ")}  (default last)
  --step-strip <regex>      removed from candidates before the step spec reads them (a final
                            line the PRM does not score, e.g. '\\nAnswer: .*$')
  --select <s>              pick answers by step or outcome      (default step with --step-spec)
  --n <n>                   samples / particles / candidates per step                (default 8)
  --k <n>                   expansions per beam or DVTS node                         (default 4)
  --lookahead <n>           beam: greedy steps rolled out before scoring             (default 0)
  --budget <caps>           samples=N (same as --n), tokens=T, calls=C, comma-separated
  --delimiter <text>        step delimiter; \\n escapes are read                     (default "\\n\\n")
  --max-steps <n>           steps after which an answer counts as complete          (default 32)
  --temperature <t>  --top-p <p>  --max-tokens <n>  --step-max-tokens <n>  --seed <n>
  --answer <m>              votes: math, exact, normalized or regex:<pattern>       (default math)
  --resample <r>            particle filter: every or ess                            (default ess)
  --ess-threshold <x>       resample when ESS < x·n                                  (default 0.5)
  --potential-temperature <t>  particle filter: potential logit(s)/t                 (default 1)
  --final <f>               particle filter: weight or outcome                       (default weight)
  --trace                   keep the whole search tree in each result
  --concurrency <n>         problems searched at the same time                       (default 4)
  --out <file>              write results here instead of stdout
  --quiet                   no progress and no summary

Exit status: 0 the input was processed; 2 usage or spec error; 1 I/O failure.`;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    generator: { type: "string" },
    model: { type: "string" },
    mode: { type: "string" },
    strategy: { type: "string" },
    spec: { type: "string" },
    "step-spec": { type: "string" },
    aggregate: { type: "string" },
    "step-strip": { type: "string" },
    select: { type: "string" },
    n: { type: "string" },
    k: { type: "string" },
    lookahead: { type: "string" },
    budget: { type: "string" },
    delimiter: { type: "string" },
    "max-steps": { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "max-tokens": { type: "string" },
    "step-max-tokens": { type: "string" },
    seed: { type: "string" },
    answer: { type: "string" },
    resample: { type: "string" },
    "ess-threshold": { type: "string" },
    "potential-temperature": { type: "string" },
    final: { type: "string" },
    trace: { type: "boolean" },
    concurrency: { type: "string" },
    out: { type: "string", short: "o" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(searchHelp + "\n");
    return 0;
  }
  if (!values.generator) throw new UsageError("missing --generator <url | file>");
  if (!values.strategy) throw new UsageError(`missing --strategy (one of ${STRATEGY_NAMES.join(", ")})`);
  if (!STRATEGY_NAMES.includes(values.strategy as StrategyName)) throw new UsageError(`--strategy expects one of ${STRATEGY_NAMES.join(", ")}, found ${JSON.stringify(values.strategy)}`);
  if (positionals.length > 1) throw new UsageError(`expected one input file, found ${positionals.length}: ${positionals.join(" ")}`);
  const inputPath = positionals[0] ?? (process.stdin.isTTY ? undefined : "-");
  if (inputPath === undefined) throw new UsageError("missing the problems file (a path, or - for standard input)");

  const generator = generatorFrom(values.generator, {
    model: values.model,
    mode: values.mode,
    temperature: num(values.temperature, "--temperature"),
    top_p: num(values["top-p"], "--top-p"),
    max_tokens: positiveInt(values["max-tokens"], "--max-tokens"),
    seed: nonNegativeInt(values.seed, "--seed"),
  });
  const budget = parseBudget(values.budget);
  const options: SearchOptions = {
    strategy: values.strategy as StrategyName,
    generator,
    n: positiveInt(values.n, "--n"),
    k: positiveInt(values.k, "--k"),
    lookahead: nonNegativeInt(values.lookahead, "--lookahead"),
    spec: values.spec ? loadSpec(values.spec) : undefined,
    stepSpec: values["step-spec"] ? loadSpec(values["step-spec"]) : undefined,
    aggregate: oneOf(values.aggregate, STEP_AGGREGATIONS, "--aggregate") as StepAggregation | undefined,
    stepStrip: regexFlag(values["step-strip"], "--step-strip"),
    select: oneOf(values.select, ["step", "outcome"], "--select") as "step" | "outcome" | undefined,
    answer: answerMatch(values.answer),
    budget,
    sampling: { stepMaxTokens: positiveInt(values["step-max-tokens"], "--step-max-tokens") },
    delimiter: values.delimiter === undefined ? undefined : unescape(values.delimiter),
    maxSteps: positiveInt(values["max-steps"], "--max-steps"),
    resample: oneOf(values.resample, ["every", "ess"], "--resample") as "every" | "ess" | undefined,
    essThreshold: num(values["ess-threshold"], "--ess-threshold"),
    potentialTemperature: num(values["potential-temperature"], "--potential-temperature"),
    final: oneOf(values.final, ["weight", "outcome"], "--final") as "weight" | "outcome" | undefined,
    seed: generator.seed,
    tree: values.trace === true,
  };
  if (options.delimiter === "") throw new UsageError("--delimiter must not be empty");
  if (budget.samples !== undefined && options.n !== undefined && budget.samples !== options.n) throw new UsageError(`--n ${options.n} and --budget samples=${budget.samples} disagree`);
  const concurrency = positiveInt(values.concurrency, "--concurrency");
  let searcher: Searcher;
  try {
    searcher = new Searcher(options);
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
  try {
    let input: Readable = process.stdin;
    if (inputPath !== "-") {
      try {
        const handle = await open(inputPath, "r");
        input = handle.createReadStream({ highWaterMark: 1 << 20 });
      } catch (err) {
        throw new StreamIoError(`cannot read the input ${inputPath}: ${(err as Error).message}`);
      }
    }
    let output: Writable = process.stdout;
    if (values.out && values.out !== "-") {
      try {
        output = (await open(values.out, "w")).createWriteStream();
      } catch (err) {
        throw new StreamIoError(`cannot write the output ${values.out}: ${(err as Error).message}`);
      }
    }
    const tty = !values.quiet && process.stderr.isTTY;
    const summary = await searchStream(searcher, input, output, {
      concurrency,
      onRecord: (r, done) => {
        if (values.quiet) return;
        if (tty) process.stderr.write(`\r${done} problems searched\x1b[K`);
        else if (r.status === "error") process.stderr.write(`rewardsmith search: problem ${JSON.stringify(r.id)}: ${r.reason}\n`);
      },
    });
    if (tty) process.stderr.write("\r\x1b[K");
    if (output !== process.stdout) await new Promise<void>((resolve, reject) => output.end((err?: Error | null) => (err ? reject(new StreamIoError(`cannot write the output: ${err.message}`)) : resolve())));
    if (!values.quiet) process.stderr.write(formatSearchSummary(summary, options.strategy));
    return 0;
  } finally {
    await searcher.close();
  }
}

export function formatSearchSummary(s: SearchSummary, strategy: string): string {
  const f = (n: number) => n.toLocaleString("en-US");
  const lines = [`searched ${f(s.problems)} problems with ${strategy} in ${s.wall_seconds.toFixed(2)} s`, `  ok ${f(s.ok)} · error ${f(s.error)}`];
  if (s.reward_mean !== undefined) lines.push(`  chosen answers: reward mean ${s.reward_mean.toFixed(4)}${s.oracle_mean !== undefined ? ` · oracle (best candidate, pass@n) ${s.oracle_mean.toFixed(4)}` : ""}`);
  lines.push(`  generator calls ${f(s.generator_calls)} · prompt tokens ${f(s.prompt_tokens)} · completion tokens ${f(s.completion_tokens)} · scorer calls ${f(s.scorer_calls)}`);
  return lines.join("\n") + "\n";
}

/** A generator config from --generator (a URL or a YAML/JSON file) and flags that override its fields. */
export function generatorFrom(arg: string, flags: Record<string, unknown>): GeneratorConfig {
  let base: Record<string, unknown>;
  if (/^https?:\/\//.test(arg)) base = { base_url: arg };
  else {
    let text: string;
    try {
      text = readFileSync(arg, "utf8");
    } catch (err) {
      throw new UsageError(`--generator: not a URL and not a readable file: ${(err as Error).message}`);
    }
    const doc = parseYaml(text) as unknown;
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new UsageError(`--generator ${arg}: expected a mapping of generator fields (base_url, model, ...)`);
    base = doc as Record<string, unknown>;
  }
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) base[k] = v;
  try {
    return generatorConfig(base);
  } catch (err) {
    if (err instanceof ZodError) throw new UsageError(`--generator: ${err.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ")}`);
    throw err;
  }
}

function parseBudget(text: string | undefined): { samples?: number; tokens?: number; calls?: number } {
  const out: { samples?: number; tokens?: number; calls?: number } = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    const m = /^\s*(samples|tokens|calls)\s*=\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw new UsageError(`--budget expects samples=N, tokens=T or calls=C (positive, comma-separated), found ${JSON.stringify(part)}`);
    out[m[1] as "samples" | "tokens" | "calls"] = Number(m[2]);
  }
  return out;
}

function answerMatch(value: string | undefined): AnswerMatch | undefined {
  if (value === undefined) return undefined;
  if (value === "math" || value === "exact" || value === "normalized") return value;
  if (value.startsWith("regex:")) {
    const regex = value.slice(6);
    try {
      new RegExp(regex);
    } catch (err) {
      throw new UsageError(`--answer regex: ${(err as Error).message}`);
    }
    return { regex };
  }
  throw new UsageError(`--answer expects math, exact, normalized or regex:<pattern>, found ${JSON.stringify(value)}`);
}

function regexFlag(value: string | undefined, flag: string): RegExp | undefined {
  if (value === undefined) return undefined;
  try {
    return new RegExp(unescape(value));
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) throw new UsageError(`${flag} expects one of ${allowed.join(", ")}, found ${JSON.stringify(value)}`);
  return value;
}

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} expects a number >= 0, found ${JSON.stringify(value)}`);
  return n;
}

/** "\n", "\t" and "\\" escapes in a flag value. */
function unescape(s: string): string {
  return s.replace(/\\([nt\\])/g, (_m, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
}
