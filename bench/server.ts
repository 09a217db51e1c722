/**
 * Load test of `rewardsmith serve`: the server runs as a child process (`--workers N`), the load
 * comes from this process (autocannon, keep-alive, loopback only), each run bounded in time.
 * Reports requests/s, records/s and p50/p99 latency for POST /v1/score with batches of 1 and 256
 * records of a cheap reward (examples/exact.yaml) at 64 connections, and the overhead against
 * calling the library (Scorer.scoreRecords) directly with the same batches.
 *
 *   node bench/server.ts [--duration 10] [--workers 1,2] [--connections 64]
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import { createScorer } from "../src/pipeline/score.ts";

const ROOT = join(import.meta.dirname, "..");
const SPEC = join(ROOT, "examples", "exact.yaml");
const { values } = parseArgs({
  options: { duration: { type: "string", default: "10" }, workers: { type: "string", default: "1,2" }, connections: { type: "string", default: "64" } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const workerCounts = values.workers.split(",").map(Number);
const BATCHES = [1, 256];

const examples = readFileSync(join(ROOT, "examples", "exact.jsonl"), "utf8")
  .split("\n")
  .flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  })
  .filter((r) => typeof r.response === "string");
const batchOf = (n: number) => Array.from({ length: n }, (_, i) => examples[i % examples.length]);

interface Row {
  workers: number;
  batch: number;
  reqPerSec: number;
  recordsPerSec: number;
  p50: number;
  p99: number;
  failed: number;
}

async function startServer(workers: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, "bin", "rewardsmith.js"), "serve", "--spec", SPEC, "--port", "0", "--workers", String(workers), "--log-level", "warn", "--max-queue", "4096"], {
    stdio: ["ignore", "inherit", "pipe"],
    env: { ...process.env, REWARDSMITH_TOKEN: "" },
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr += d;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function load(url: string, batch: number, seconds: number) {
  return autocannon({
    url: `${url}/v1/score`,
    connections,
    duration: seconds,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ records: batchOf(batch) }),
  });
}

/** Records/s of Scorer.scoreRecords called directly, same batches, one at a time. */
async function direct(batch: number, seconds: number): Promise<number> {
  const scorer = createScorer(SPEC);
  const records = batchOf(batch);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await scorer.scoreRecords(records);
    n += 100 * batch;
  }
  await scorer.close();
  return n / ((performance.now() - start) / 1000);
}

/** What handing a batch to a worker thread and back costs (the alternative to cluster workers). */
async function threadHandoffMicros(batch: number): Promise<number> {
  const worker = new Worker("require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))", { eval: true });
  const records = batchOf(batch);
  const roundTrip = () => new Promise<void>((resolve) => {
    worker.once("message", () => resolve());
    worker.postMessage(records);
  });
  for (let i = 0; i < 200; i++) await roundTrip();
  const n = 2000;
  const start = performance.now();
  for (let i = 0; i < n; i++) await roundTrip();
  const micros = ((performance.now() - start) * 1000) / n;
  await worker.terminate();
  return micros;
}

const rows: Row[] = [];
for (const workers of workerCounts) {
  const server = await startServer(workers);
  try {
    await load(server.url, 1, 1); // warm-up: JIT, connections
    for (const batch of BATCHES) {
      const r = await load(server.url, batch, duration);
      rows.push({
        workers,
        batch,
        reqPerSec: r.requests.average,
        recordsPerSec: r.requests.average * batch,
        p50: r.latency.p50,
        p99: r.latency.p99,
        failed: r.non2xx + r.errors + r.timeouts,
      });
    }
  } finally {
    await server.stop();
  }
}
const directRate = new Map<number, number>();
for (const batch of BATCHES) directRate.set(batch, await direct(batch, 3));
const handoff = new Map<number, number>();
for (const batch of BATCHES) handoff.set(batch, await threadHandoffMicros(batch));

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(`\n## rewardsmith serve — POST /v1/score, ${connections} connections, ${duration} s per run, ${cpus().length} CPUs, Node ${process.versions.node}\n`);
console.log("| workers | records/request | requests/s | records/s | p50 ms | p99 ms | failed | library direct records/s | overhead (direct ÷ served) |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const d = directRate.get(r.batch)!;
  console.log(`| ${r.workers} | ${r.batch} | ${fmt(r.reqPerSec)} | ${fmt(r.recordsPerSec)} | ${r.p50} | ${r.p99} | ${r.failed} | ${fmt(d)} | ${(d / r.recordsPerSec).toFixed(1)}× |`);
}
console.log("\nWorker-thread handoff (postMessage there and back, no scoring), per batch: " + BATCHES.map((b) => `${b} records ${handoff.get(b)!.toFixed(1)} µs (scoring them directly: ${((b / directRate.get(b)!) * 1e6).toFixed(1)} µs)`).join("; "));
