import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapArgs, dropRoot, findBwrap } from "./bwrap.ts";
import type { Limits } from "./limits.ts";
import type { LanguageRunner } from "./languages/runner.ts";

export type { Limits };

/** The job handed to a harness on stdin (see the harness files). */
export interface HarnessJob extends Limits {
  mode: "stdio" | "cases" | "test_code";
  code: string;
  entry_point?: string;
  units: Array<{ stdin?: string; args?: unknown[]; kwargs?: Record<string, unknown>; test_code?: string }>;
}

/** What the harness says about one test. */
export interface HarnessReport {
  i: number;
  end: "exit" | "signal" | "timeout";
  code?: number;
  signal?: string;
  stdout?: string;
  stderr: string;
  result?: { value?: unknown; exception?: string; message?: string; completed?: boolean; timeout?: boolean } | null;
}

export interface JobRun {
  reports: HarnessReport[];
  /** The sandbox was killed by the host: its total time ran out, or it wrote more than any honest harness would. */
  killed?: "time" | "output";
  /** bwrap's or the harness's own stderr (the tail), for failures of the sandbox itself. */
  stderr: string;
  exitCode: number | null;
}

/**
 * Run one job: the harness inside a fresh sandbox (or on the host when `sandboxed` is false), the job
 * on its stdin, one report per test read from its stdout. The whole run is killed when it exceeds
 * `budgetMs` or writes more than `maxOutputBytes`.
 */
export function runJob(
  runner: LanguageRunner,
  job: HarnessJob,
  options: { sandboxed: boolean; budgetMs: number; maxOutputBytes: number; signal?: AbortSignal },
): Promise<JobRun> {
  let command: string;
  let args: string[];
  let workDir: string | undefined;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
  if (options.sandboxed) {
    command = findBwrap() ?? "bwrap";
    args = bwrapArgs(runner, job);
  } else {
    workDir = mkdtempSync(join(tmpdir(), "rewardsmith-code-"));
    env.RS_WORK = workDir;
    [command, ...args] = runner.hostCommand;
  }
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], env, signal: options.signal, killSignal: "SIGKILL", ...(options.sandboxed ? dropRoot() : {}) });
    let out = "";
    let outBytes = 0;
    let err = "";
    let killed: JobRun["killed"];
    const kill = (why: "time" | "output") => {
      killed ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => kill("time"), options.budgetMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      outBytes += Buffer.byteLength(d);
      if (outBytes > options.maxOutputBytes) return kill("output");
      out += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err = (err + d).slice(-4000);
    });
    child.stdin.on("error", () => {}); // the sandbox may end before reading everything
    child.stdin.end(JSON.stringify(job));
    let finished = false;
    const finish = (exitCode: number | null, startError?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (workDir) rmSync(workDir, { recursive: true, force: true });
      const reports: HarnessReport[] = [];
      for (const line of out.split("\n")) {
        if (line === "") continue;
        try {
          reports.push(JSON.parse(line) as HarnessReport);
        } catch {
          // a line cut by the output cap; its test counts as not reported
        }
      }
      resolve({ reports, killed, stderr: startError ? startError.message : err, exitCode });
    };
    child.on("error", (e) => finish(null, e));
    child.on("close", (code) => finish(code));
  });
}
