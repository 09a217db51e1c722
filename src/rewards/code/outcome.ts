import { type CompareMode, outputsMatch, preview, valuesMatch } from "./compare.ts";
import type { Test, TestSuite } from "./reference.ts";
import type { HarnessReport, JobRun } from "./job.ts";

export type Outcome = "passed" | "wrong_answer" | "runtime_error" | "timeout" | "memory" | "output_limit";

export interface TestOutcome {
  outcome: Outcome;
  reason?: string;
}

export interface Judging {
  compare: CompareMode;
  tolerance: number;
}

const MEMORY = /\bMemoryError\b|JavaScript heap out of memory|Reached heap limit|Cannot allocate memory|std::bad_alloc/;

/** The last few lines of stderr, for reasons. */
export function stderrTail(stderr: string, lines = 3): string {
  const kept = stderr.trimEnd().split("\n").slice(-lines).join(" | ");
  return kept.length > 300 ? `…${kept.slice(-300)}` : kept;
}

function withStderr(message: string, stderr: string): string {
  const tail = stderrTail(stderr);
  return tail ? `${message}: ${tail}` : message;
}

/** Judge one test from the harness's report (the expected values never left the host). */
export function judge(report: HarnessReport, test: Test, suite: TestSuite, how: Judging): TestOutcome {
  const result = report.result ?? undefined;
  if (report.end === "timeout" || report.signal === "SIGXCPU" || result?.timeout) return { outcome: "timeout", reason: "time limit exceeded" };
  if (report.signal === "SIGXFSZ") return { outcome: "output_limit", reason: "output limit exceeded" };
  // A program that ended normally may have caught a MemoryError and logged it: its output is judged.
  const exitedNormally = report.end === "exit" && report.code === 0;
  if (result?.exception === "MemoryError" || (!exitedNormally && MEMORY.test(report.stderr))) return { outcome: "memory", reason: withStderr("memory limit exceeded", report.stderr) };
  if (report.end === "signal") return { outcome: "runtime_error", reason: withStderr(`killed by ${report.signal}`, report.stderr) };

  if (suite.mode === "stdio") {
    if (report.code !== 0) return { outcome: "runtime_error", reason: withStderr(`exit status ${report.code}`, report.stderr) };
    const actual = report.stdout ?? "";
    if (outputsMatch(actual, test.stdout!, how.compare, how.tolerance)) return { outcome: "passed" };
    return { outcome: "wrong_answer", reason: `expected ${preview(test.stdout!)}, got ${preview(actual)}` };
  }
  if (result?.exception !== undefined) {
    const message = `${result.exception}${result.message ? `: ${result.message}` : ""}`;
    if (result.exception === "AssertionError" && suite.mode === "test_code") return { outcome: "wrong_answer", reason: `assertion failed${result.message ? `: ${result.message}` : ""}` };
    return { outcome: "runtime_error", reason: withStderr(message, report.stderr) };
  }
  if (suite.mode === "test_code") {
    if (result?.completed === true) return { outcome: "passed" };
    return { outcome: "runtime_error", reason: withStderr(`the program exited (status ${report.code}) before the tests finished`, report.stderr) };
  }
  if (!result || !("value" in result)) return { outcome: "runtime_error", reason: withStderr(`the program exited (status ${report.code}) before returning`, report.stderr) };
  if (valuesMatch(result.value, test.expected, how.tolerance)) return { outcome: "passed" };
  return { outcome: "wrong_answer", reason: `expected ${preview(JSON.stringify(test.expected) ?? "undefined")}, got ${preview(JSON.stringify(result.value) ?? "undefined")}` };
}

/**
 * Outcomes of every test of a run. A test with no report (the sandbox was killed, or the program
 * ended the harness) gets the reason the run ended. Returns a string when the sandbox itself failed
 * before running anything: that is an error of the reward, not of the program.
 */
export function judgeRun(run: JobRun, suite: TestSuite, how: Judging): TestOutcome[] | string {
  const byIndex = new Map<number, HarnessReport>();
  for (const r of run.reports) if (Number.isInteger(r.i)) byIndex.set(r.i, r);
  // A harness killed by a signal (bwrap exits 128 + signal) was killed from inside: by the program.
  const endedByProgram = run.exitCode !== null && run.exitCode > 128;
  if (byIndex.size === 0 && run.killed === undefined && !endedByProgram) {
    return `the sandbox failed before running any test (exit status ${run.exitCode}): ${stderrTail(run.stderr) || "no message"}`;
  }
  return suite.tests.map((test, i) => {
    const report = byIndex.get(i);
    if (report) return judge(report, test, suite, how);
    if (run.killed === "time") return { outcome: "timeout", reason: "the program's total time budget ran out" };
    if (run.killed === "output") return { outcome: "output_limit", reason: "output limit exceeded" };
    return { outcome: "runtime_error", reason: withStderr("the test harness was ended by the program", run.stderr) };
  });
}
