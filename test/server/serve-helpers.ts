import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { CLI, ROOT } from "../helpers.ts";

export const EXACT_SPEC = join(ROOT, "examples", "exact.yaml");

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** stdout/stderr so far (JSON log lines / the listening line). */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Start `rewardsmith serve` as a user would (a child process) on a free port; resolves once it listens. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--log-level", "warn", ...args], {
    cwd: ROOT,
    env: { ...process.env, REWARDSMITH_TOKEN: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start within 20 s:\n${stderr}`));
    }, 20_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      child.stderr.off("data", onData);
      resolve({
        url: m[1],
        child,
        output: () => ({ stdout, stderr }),
        exited,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          return exited;
        },
      });
    };
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${stderr}`));
    });
  });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** One value of a Prometheus metric line such as `name{labels} 3`. */
export function metricValue(text: string, line: string): number | undefined {
  for (const l of text.split("\n")) if (l.startsWith(line + " ")) return Number(l.slice(line.length + 1));
  return undefined;
}

/** Records for examples/exact.yaml: even ones correct and well formatted, odd ones wrong. */
export function exactRecords(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    prompt: "What is the capital of France?",
    response: i % 2 === 0 ? "<think>It is Paris.</think><answer>Paris</answer>" : "<think>Maybe.</think><answer>Lyon</answer>",
    answer: "Paris",
  }));
}
