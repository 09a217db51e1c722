/**
 * Scale-out throughput on this machine: queued batch scoring (`rewardsmith score --queue` with
 * 1, 2 and 4 `rewardsmith worker` processes) for
 *  1. an expensive CPU-bound reward: sandboxed Python programs (the `code` reward, bubblewrap),
 *     one program at a time per worker (concurrency: 1), so workers are the unit of scale;
 *  2. a judge-bound reward against a local endpoint answering after 50 ms, under a global limit
 *     of `rate` requests/s held in Redis across all workers (max_concurrency 2 per worker).
 * Prints markdown tables with the scaling ratios. Needs redis-server and bwrap.
 *   node bench/scale.ts [code records=96] [judge records=300] [rate=60]
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startFakeJudgeServer } from "../src/testing/judge-server.ts";
import { startTestRedis } from "../src/testing/redis.ts";

const codeRecords = Number(process.argv[2] ?? 96);
const judgeRecords = Number(process.argv[3] ?? 300);
const rate = Number(process.argv[4] ?? 60);
const CLI = fileURLToPath(new URL("../bin/rewardsmith.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "rewardsmith-bench-scale-"));
const redis = await startTestRedis();
const judge = await startFakeJudgeServer({ latencyMs: 50, judge: () => ({ reason: "ok", score: 7 }) });

interface Proc {
  stderr: string;
  exited: Promise<number | null>;
  kill(): void;
}
function cli(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  const p: Proc = { stderr: "", exited: new Promise((r) => child.once("exit", r)), kill: () => child.kill("SIGTERM") };
  child.stderr!.setEncoding("utf8").on("data", (d) => (p.stderr += d));
  return p;
}
async function until(p: Proc, re: RegExp): Promise<void> {
  while (!re.test(p.stderr)) await new Promise((r) => setTimeout(r, 20));
}

/** Records/s of one queued run with `workers` worker processes (workers started and ready first). */
async function queued(spec: string, input: string, records: number, workers: number, chunk: number): Promise<number> {
  const ws = Array.from({ length: workers }, () => cli(["worker", "--queue", redis.url, "--spec", spec]));
  await Promise.all(ws.map((w) => until(w, /ready: queue/)));
  const out = join(dir, `out-${workers}-${Date.now()}.jsonl`);
  const c = cli(["score", "--no-record", "--queue", redis.url, "--spec", spec, input, "--out", out, "--chunk-size", String(chunk)]);
  const code = await c.exited;
  // The coordinator's own wall time (from reading the input to the last line written), not Node's start-up.
  const seconds = Number(c.stderr.match(/scored [\d,]+ records in ([\d.]+) s/)?.[1]);
  for (const w of ws) w.kill();
  await Promise.all(ws.map((w) => w.exited));
  if (code !== 0 || !(seconds > 0)) throw new Error(`score --queue failed: ${c.stderr}`);
  return records / seconds;
}

function table(title: string, rows: Array<[number, number]>, extra = ""): void {
  console.log(`\n${title}\n`);
  console.log(`| workers | records/s | vs 1 worker |${extra ? " note |" : ""}`);
  console.log(`|---:|---:|---:|${extra ? "---|" : ""}`);
  for (const [w, r] of rows) console.log(`| ${w} | ${r.toFixed(1)} | ${(r / rows[0][1]).toFixed(2)}x |${extra ? ` ${w === 1 ? extra : ""} |` : ""}`);
}

try {
  // 1. code: each record runs 3 tests of a small Python program in the sandbox.
  const codeSpec = join(dir, "code.yaml");
  writeFileSync(codeSpec, "fields: {completion: response, reference: tests}\nrewards:\n  tests: {type: code, language: python, scoring: fraction, timeout_s: 5, concurrency: 1}\n");
  const codeInput = join(dir, "code.jsonl");
  const tests = { tests: [{ stdin: "1 2\n", stdout: "3\n" }, { stdin: "-5 5\n", stdout: "0\n" }, { stdin: "100 23\n", stdout: "123\n" }] };
  writeFileSync(
    codeInput,
    Array.from({ length: codeRecords }, (_, i) => JSON.stringify({ id: i, response: "```python\na, b = map(int, input().split())\nprint(a + b" + (i % 4 === 0 ? " + 1" : "") + ")\n```", tests })).join("\n") + "\n",
  );
  const codeRows: Array<[number, number]> = [];
  for (const w of [1, 2, 4]) codeRows.push([w, await queued(codeSpec, codeInput, codeRecords, w, 4)]);

  // 2. judge-bound: 50 ms per request, 2 in flight per worker, a global limit of `rate`/s.
  const judgeSpec = join(dir, "judge.yaml");
  writeFileSync(judgeSpec, `rewards:\n  j: {type: judge, mode: pointwise, base_url: "${judge.url}", model: fake, cache: false, retries: 0, max_concurrency: 2, global: {redis: "${redis.url}", requests_per_s: ${rate}, burst: 1}}\n`);
  const judgeInput = join(dir, "judge.jsonl");
  writeFileSync(judgeInput, Array.from({ length: judgeRecords }, (_, i) => JSON.stringify({ id: i, prompt: `q${i}`, completion: `a${i}` })).join("\n") + "\n");
  const judgeRows: Array<[number, number]> = [];
  const before = judge.requests.length;
  for (const w of [1, 2, 4]) judgeRows.push([w, await queued(judgeSpec, judgeInput, judgeRecords, w, 10)]);
  if (judge.requests.length - before !== 3 * judgeRecords) throw new Error("unexpected judge request count");

  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.versions.node}`);
  table(`code reward (bubblewrap, 3 Python tests per record, ${codeRecords} records, chunks of 4)`, codeRows);
  table(
    `judge-bound (50 ms endpoint, max_concurrency 2 per worker, global limit ${rate} req/s in Redis, ${judgeRecords} records, chunks of 10)`,
    judgeRows,
    `ceiling min(${rate}, workers x 2 / 0.05 s): ${[1, 2, 4].map((w) => Math.min(rate, w * 40)).join(", ")}`,
  );
} finally {
  await judge.close();
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
}
