import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI = join(ROOT, "bin", "rewardsmith.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the rewardsmith CLI as a user would (a child process on this Node), optionally feeding stdin. */
export function runCli(args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

const created: string[] = [];
// Each run of the suite made some 200 directories in /tmp and left them there.
process.once("exit", () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory for a test, removed when the test file's process exits. */
export function tempDir(prefix = "rewardsmith-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Write files into a fresh temporary directory; returns the directory. */
export function writeFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function parseJsonl(text: string): any[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}

/** Build a reward from its type and raw spec options (validated as a spec would), and score samples. */
export async function runReward(
  type: import("../src/core/reward.ts").RewardType,
  options: Record<string, unknown>,
  samples: import("../src/core/types.ts").Sample[],
): Promise<import("../src/core/types.ts").RewardResult[]> {
  const reward = type.create(type.options.parse(options), { name: "r", specDir: ROOT, type: type.type });
  try {
    return await reward.score(samples);
  } finally {
    await reward.close?.();
  }
}
