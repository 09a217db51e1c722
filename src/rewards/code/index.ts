import { availableParallelism } from "node:os";
import { z } from "zod";
import { defineRewardType } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { type ComponentResult, failed, ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { extractCode } from "./extract.ts";
import { javascriptRunner } from "./languages/javascript.ts";
import { pythonRunner } from "./languages/python.ts";
import type { LanguageRunner } from "./languages/runner.ts";
import { judgeRun, type TestOutcome } from "./outcome.ts";
import { Pool } from "./pool.ts";
import { parseReference, type TestSuite } from "./reference.ts";
import { probeSandbox } from "./bwrap.ts";
import { type HarnessJob, type Limits, runJob } from "./job.ts";
import { scoreTests } from "./scoring.ts";

const LANGUAGES = ["python", "javascript"] as const;

const options = z.strictObject({
  language: z.enum(LANGUAGES).default("python").describe("Language of the program, unless the reference names one."),
  extract: z.enum(["fence", "any_fence", "none"]).default("fence").describe("fence: last ```<language> block (else last untagged one); any_fence: last fenced block; none: the whole completion."),
  scoring: z.enum(["pass_all", "fraction", "weighted"]).default("fraction").describe("pass_all: 1 only if every test passes; fraction: passed / total; weighted: passed weight / total weight."),
  compare: z.enum(["exact", "whitespace", "float"]).default("whitespace").describe("stdin/stdout tests: how outputs are compared, unless the reference says."),
  float_tolerance: z.number().nonnegative().max(1).default(1e-6).describe("Numbers may differ by this much (absolute or relative): stdout under `compare: float`, and function return values."),
  timeout_s: z.number().positive().max(300).default(5).describe("Wall-clock and CPU seconds per test."),
  memory_mb: z.number().int().min(32).max(65536).default(512).describe("Address space per test process (MiB)."),
  output_bytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(1024 * 1024).describe("Bytes of stdout (and of any file) a test may write."),
  max_processes: z.number().int().min(1).max(4096).default(64).describe("Processes (and threads) the program may have at once."),
  max_open_files: z.number().int().min(16).max(65536).default(256).describe("Open file descriptors per process."),
  concurrency: z.number().int().positive().max(1024).optional().describe("Programs run at the same time (default: the number of cores)."),
  python: z.string().min(1).default("/usr/bin/python3").describe("Python interpreter; inside the sandbox only the system's /usr is visible, so it must live there."),
  unsafe_no_sandbox: z.boolean().default(false).describe("Run model code on the host WITHOUT the sandbox (rlimits only). Dangerous; for machines without bubblewrap."),
});

type Options = z.output<typeof options>;

/** Everything the reward needs to run one sample, or its result when it cannot be run. */
type Prepared = { result: RewardResult } | { runner: LanguageRunner; suite: TestSuite; code: string };

export const codeReward = defineRewardType({
  type: "code",
  description: "runs the program in the completion against test cases (stdin/stdout or function calls) in a bubblewrap sandbox; partial credit",
  options,
  create(o, context) {
    // --unsafe-no-sandbox reaches the reward through the run flags; the spec option does the same.
    const unsafe = o.unsafe_no_sandbox || context.flags?.unsafeNoSandbox === true;
    const runners = new Map<string, LanguageRunner>([
      ["python", pythonRunner(o.python)],
      ["javascript", javascriptRunner()],
    ]);
    if (!unsafe) {
      if (!o.python.startsWith("/usr/")) throw new Error(`python: the sandbox only sees /usr, so the interpreter must be there (found ${o.python})`);
      const problem = probeSandbox(runners.get(o.language)!);
      if (problem) throw new Error(`the code reward cannot sandbox programs: ${problem}. Fix that, or (dangerous) run without isolation with unsafe_no_sandbox: true / --unsafe-no-sandbox`);
    }
    const pool = new Pool(o.concurrency ?? availableParallelism());
    const closing = new AbortController();
    const limits: Limits = {
      timeout_s: o.timeout_s,
      memory_mb: o.memory_mb,
      output_bytes: o.output_bytes,
      nproc: o.max_processes,
      nofile: o.max_open_files,
    };

    const prepare = (sample: Sample): Prepared => {
      const suite = parseReference(sample.reference);
      if ("problem" in suite) return { result: unscorable(suite.problem) };
      const language = (suite.language ?? o.language).toLowerCase();
      const runner = runners.get(language) ?? [...runners.values()].find((r) => r.fenceTags.includes(language));
      if (!runner) return { result: unscorable(`unknown language "${suite.language}" (known: ${LANGUAGES.join(", ")})`) };
      if (suite.mode === "cases" && runner.language !== "python" && suite.tests.some((t) => t.kwargs)) {
        return { result: unscorable("reference: kwargs are only supported for python") };
      }
      const found = extractCode(completionText(sample.completion), o.extract, runner.fenceTags);
      if ("missing" in found) return { result: ok(0, found.missing) };
      return { runner, suite, code: found.code };
    };

    const runSample = async (p: Exclude<Prepared, { result: RewardResult }>): Promise<RewardResult> => {
      if (!unsafe && p.runner.language !== o.language) {
        const problem = probeSandbox(p.runner);
        if (problem) return failed(`cannot sandbox ${p.runner.language}: ${problem}`);
      }
      const job: HarnessJob = {
        ...limits,
        mode: p.suite.mode,
        code: p.code,
        entry_point: p.suite.entry_point,
        units: p.suite.tests.map((t) => ({ stdin: t.stdin, args: t.args, kwargs: t.kwargs, test_code: t.test_code })),
      };
      const n = job.units.length;
      const run = await pool.run(() =>
        runJob(p.runner, job, {
          sandboxed: !unsafe,
          budgetMs: Math.ceil((n * (o.timeout_s + 0.5) + 10) * 1000),
          // JSON escaping can make an output up to 6 times longer (\u0000 for each control byte).
          maxOutputBytes: n * (6 * o.output_bytes + 8192) + 65536,
          signal: closing.signal,
        }),
      );
      if (closing.signal.aborted) return failed("the code reward was closed before the program finished");
      const outcomes = judgeRun(run, p.suite, { compare: p.suite.compare ?? o.compare, tolerance: o.float_tolerance });
      if (typeof outcomes === "string") return failed(outcomes);
      return resultOf(outcomes, p.suite, o);
    };

    return {
      name: context.name,
      type: context.type,
      score(samples) {
        return Promise.all(
          samples.map(async (s) => {
            const p = prepare(s);
            if ("result" in p) return p.result;
            try {
              return await runSample(p);
            } catch (err) {
              return failed(`code: ${(err as Error).message}`);
            }
          }),
        );
      },
      // The caller gave up (its output broke, the server shuts down): kill the running programs
      // and fail the queued ones instead of holding the process open until they all ran.
      close() {
        pool.close();
        closing.abort();
      },
    };
  },
});

function resultOf(outcomes: TestOutcome[], suite: TestSuite, o: Options): RewardResult {
  const reward = scoreTests(outcomes, suite.tests, o.scoring);
  const components: Record<string, ComponentResult> = {};
  const failures: string[] = [];
  outcomes.forEach((t, i) => {
    const c: ComponentResult = { reward: t.outcome === "passed" ? 1 : 0, status: "ok", outcome: t.outcome };
    if (t.reason) c.reason = t.reason;
    components[`test_${i + 1}`] = c;
    if (t.outcome !== "passed") failures.push(`test_${i + 1}: ${t.outcome.replace("_", " ")}${t.reason ? ` (${t.reason})` : ""}`);
  });
  const passed = outcomes.length - failures.length;
  const summary = `${passed}/${outcomes.length} tests passed`;
  const shown = failures.slice(0, 3).join("; ") + (failures.length > 3 ? `; … ${failures.length - 3} more` : "");
  const result = ok(reward, failures.length === 0 ? summary : `${summary}; ${shown}`);
  result.components = components;
  return result;
}
