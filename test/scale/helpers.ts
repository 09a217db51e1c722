import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CLI, ROOT } from "../helpers.ts";

/** A long-running CLI process (a worker, a server, a coordinator) whose stderr is kept. */
export interface CliProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves when stderr (or stdout) has matched the pattern; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  const watchers = new Set<() => void>();
  child.stderr!.setEncoding("utf8").on("data", (d) => {
    err += d;
    for (const w of watchers) w();
  });
  child.stdout!.setEncoding("utf8").on("data", (d) => {
    out += d;
    for (const w of watchers) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => {
    for (const w of watchers) w();
    resolve(code);
  }));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}; stderr:\n${err}`)), timeoutMs);
        const check = () => {
          const m = err.match(pattern) ?? out.match(pattern);
          if (m) return done(undefined, m);
          if (child.exitCode !== null || child.signalCode !== null) done(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${pattern}; stderr:\n${err}`));
        };
        const done = (e?: Error, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          watchers.delete(check);
          if (e) reject(e);
          else resolve(m!);
        };
        watchers.add(check);
        check();
      });
    },
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Poll until `f` returns something other than undefined. */
export async function until<T>(f: () => T | undefined, what: string, timeoutMs = 30_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The coordinator's crash-safe state next to an output (undefined while there is none). */
export function runState(out: string): { chunks: number; bytes: number } | undefined {
  const path = `${out}.partial.json`;
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}
