import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeJudgeServer, startFakeJudgeServer } from "../../src/testing/index.ts";
import { section } from "../../src/testing/judge-server.ts";
import { CLI, runCli, tempDir } from "../helpers.ts";

/** A folder with two recorded runs over the same 60 records: run 1 (regex + spans judge), run 2 (a stricter regex). */
export interface Fixture {
  dir: string;
  env: NodeJS.ProcessEnv;
  judge: FakeJudgeServer;
}

export async function recordedRuns(): Promise<Fixture> {
  const dir = tempDir("rewardsmith-view-");
  // The fake judge flags the word "wrong" and, overlapping it, the sentence around it.
  const judge = await startFakeJudgeServer({
    judge: (req) => {
      const text = section(req.user, "Response") ?? "";
      if (!text.includes("wrong")) return { spans: [] };
      return { spans: [{ quote: "wrong", label: "error", severity: "critical" }, { quote: "This step is wrong.", label: "bad step", severity: "minor" }] };
    },
  });
  const lines = Array.from({ length: 60 }, (_, i) => {
    const answer = i % 3 === 0 ? "This step is wrong." : "This step is right.";
    return JSON.stringify({ id: `q${Math.floor(i / 4)}-s${i % 4}`, group: `q${Math.floor(i / 4)}`, prompt: [{ role: "user", content: `Compute ${i} + 1.` }], completion: `Let me think.\n${answer}\n\`\`\`python\nprint(${i} + 1)\n\`\`\`\nThe answer is ${i % 5 === 0 ? "unknown" : i + 1}.${"!".repeat(i % 7)}` });
  });
  writeFileSync(join(dir, "in.jsonl"), lines.join("\n") + "\n");
  const spec = (pattern: string) => `rewards:
  answer: {type: regex, pattern: "${pattern}"}
  spans: {type: judge, mode: spans, base_url: "${judge.url}", model: fake, cache: false, retries: 0, weight: 0.5}
`;
  writeFileSync(join(dir, "a.yaml"), spec("answer is \\\\d+"));
  writeFileSync(join(dir, "b.yaml"), spec("answer is \\\\d*[02468]\\\\b"));
  const env = { ...process.env, REWARDSMITH_STORE: join(dir, "store"), REWARDSMITH_TOKEN: "" };
  for (const name of ["a", "b"]) {
    const r = await runCli(["score", "--spec", `${name}.yaml`, "in.jsonl", "--out", `${name}.out.jsonl`, "--name", `run-${name}`], { cwd: dir, env });
    if (r.code !== 0) throw new Error(`score ${name} failed: ${r.stderr}`);
  }
  return { dir, env, judge };
}

/** Start `rewardsmith view` as a user would; resolves with its URL once it listens. */
export function startView(args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "view", "--port", "0", ...args], { cwd: o.cwd, env: o.env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      err += d;
      const m = /rewardsmith view: (http:\/\/\S+)/.exec(err);
      if (m) resolve({ url: m[1], child, stop: () => new Promise((done) => (child.once("exit", () => done()), child.kill("SIGTERM"))) });
    });
    child.once("exit", (code) => reject(new Error(`view exited ${code}: ${err}`)));
  });
}
