/**
 * Speed of the math verifier.
 *   node bench/math-speed.ts [pairs=10000]
 * 1. In-process engine: median / p99 / max per pair over a mixed set of pairs.
 * 2. The worker pool through the library API, and `rewardsmith score` (pool, one worker per
 *    core, process start-up included) on the same pairs as JSONL: pairs/s and records/s.
 * 3. The same through the CLI with 1 % pathological completions: every record gets one output
 *    line, the pathological ones are errors.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_MATH_OPTIONS, scoreMath } from "../src/rewards/math/engine.ts";
import { MathPool } from "../src/rewards/math/pool.ts";
import { benchPairs } from "./math-pairs.ts";

const count = Number(process.argv[2] ?? 10_000);
const root = fileURLToPath(new URL("..", import.meta.url));
const pairs = benchPairs(count);

// Warm-up, then time each pair.
for (const p of pairs.slice(0, 2000)) scoreMath(p.completion, p.reference);
const times: number[] = [];
let correct = 0;
for (const p of pairs) {
  const t0 = performance.now();
  const r = scoreMath(p.completion, p.reference);
  times.push(performance.now() - t0);
  if (r.reward === 1) correct++;
}
times.sort((a, b) => a - b);
const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))];
const total = times.reduce((a, b) => a + b, 0);

// The worker pool through the library API (workers started and warmed first), 1 worker and one per core.
async function poolRate(workers: number): Promise<number> {
  const pool = new MathPool(DEFAULT_MATH_OPTIONS, 1000, workers);
  await pool.score(pairs.slice(0, 2000).map((p) => [p.completion, p.reference]));
  const t0 = performance.now();
  await pool.score(pairs.map((p) => [p.completion, p.reference]));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return Math.round(count / seconds);
}
const poolOne = await poolRate(1);
const poolAll = await poolRate(availableParallelism());

const dir = mkdtempSync(join(tmpdir(), "math-speed-"));
writeFileSync(join(dir, "spec.yaml"), "rewards:\n  correct: {type: math}\n");
function cli(records: { completion: string; reference: string }[], name: string) {
  const file = join(dir, name);
  writeFileSync(file, records.map((p, i) => JSON.stringify({ id: i, completion: p.completion, reference: p.reference })).join("\n") + "\n");
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [join(root, "bin/rewardsmith.js"), "score", "--spec", join(dir, "spec.yaml"), file, "--out", join(dir, name + ".out"), "--quiet"], { encoding: "utf8" });
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 0 && res.status !== 1) throw new Error(`score failed: ${res.stderr}`);
  return { seconds, out: join(dir, name + ".out") };
}
const { readFileSync } = await import("node:fs");
const plain = cli(pairs, "mixed.jsonl");
const hostile = benchPairs(10_000, 0.01, 11);
const h = cli(hostile, "hostile.jsonl");
const lines = readFileSync(h.out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const errors = lines.filter((l) => l.status === "error");
const pathologicalErrors = lines.filter((l, i) => hostile[i].pathological && l.status === "error").length;

console.log(`## math verifier speed (${availableParallelism()} cores, Node ${process.version})\n`);
console.log("| measure | value |\n|---|---|");
console.log(`| pairs (in-process engine) | ${count} (${((correct / count) * 100).toFixed(0)} % correct answers) |`);
console.log(`| median per pair | ${(q(0.5) * 1000).toFixed(1)} µs |`);
console.log(`| p99 per pair | ${(q(0.99) * 1000).toFixed(1)} µs |`);
console.log(`| max per pair | ${(times[times.length - 1]).toFixed(2)} ms |`);
console.log(`| pairs over the 1 s budget | ${times.filter((t) => t > 1000).length} |`);
console.log(`| single-thread throughput | ${Math.round(count / (total / 1000))} pairs/s |`);
console.log(`| worker pool (library API, warm), 1 worker | ${poolOne} pairs/s |`);
console.log(`| worker pool (library API, warm), ${availableParallelism()} workers | ${poolAll} pairs/s |`);
console.log(`| \`rewardsmith score\` (worker pool, ${count} records, incl. start-up) | ${(count / plain.seconds).toFixed(0)} records/s (${plain.seconds.toFixed(2)} s) |`);
console.log(`| 10,000 records with 1 % pathological | ${lines.length} output lines, ${errors.length} errors (${pathologicalErrors} of ${hostile.filter((p) => p.pathological).length} pathological), ${h.seconds.toFixed(2)} s |`);
