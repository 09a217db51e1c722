/**
 * Normalization benchmark: N records in groups of G (default 1,000,000 in groups of 16).
 *  - pure: groupAdvantages over typed arrays, per method (one core, best of 5 runs);
 *  - end to end: what `rewardsmith score` runs (scoreStream / scoreStreamNormalized from a JSONL
 *    file to a JSONL file), with and without a normalize block, records of a group spread across
 *    the file; wall time and this process's CPU time (user + system), which a busy machine
 *    inflates less than wall time.
 * Usage: node bench/normalize.ts [records] [groupSize] [--no-e2e]
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupAdvantages } from "../src/normalize/group.ts";
import { resolveAdvantageOptions } from "../src/normalize/presets.ts";
import type { AdvantageChoice } from "../src/normalize/presets.ts";
import { scoreStreamNormalized } from "../src/pipeline/normalized.ts";
import { loadSpec } from "../src/spec/parse.ts";
import { Scorer } from "../src/pipeline/scorer.ts";
import { scoreStream } from "../src/pipeline/stream.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const N = Number(args[0] ?? 1_000_000);
const G = Number(args[1] ?? 16);
const e2e = !process.argv.includes("--no-e2e");

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const rand = lcg(42);
const groupCount = Math.ceil(N / G);
const rewards = new Float64Array(N);
const groups = new Int32Array(N);
for (let i = 0; i < N; i++) {
  groups[i] = Math.floor(rand() * groupCount); // shuffled membership, not contiguous blocks
  rewards[i] = rand() < 0.01 ? NaN : rand() < 0.5 ? 1 : 0;
}

const rows: string[] = [];
const cases: Array<[string, AdvantageChoice]> = [
  ["grpo (verl)", { method: "grpo", preset: "verl" }],
  ["grpo (trl)", { method: "grpo", preset: "trl" }],
  ["grpo (openrlhf)", { method: "grpo", preset: "openrlhf" }],
  ["dr_grpo", { method: "dr_grpo" }],
  ["rloo", { method: "rloo" }],
  ["reinforce_baseline (verl, whitened)", { method: "reinforce_baseline" }],
  ["batch (trl)", { method: "batch" }],
  ["rank", { method: "rank" }],
];
for (const [label, choice] of cases) {
  const options = resolveAdvantageOptions(choice);
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    groupAdvantages(rewards, groups, groupCount, options);
    best = Math.min(best, performance.now() - t);
  }
  rows.push(`| ${label} | ${N.toLocaleString("en-US")} | ${G} | ${best.toFixed(1)} ms | ${Math.round(N / (best / 1000)).toLocaleString("en-US")} |`);
}
console.log(`## pure normalization (one core, best of 5)\n`);
console.log("| method | records | group size | time | records/s |\n| --- | ---: | ---: | ---: | ---: |");
console.log(rows.join("\n"));

if (e2e) {
  const dir = mkdtempSync(join(tmpdir(), "rewardsmith-bench-"));
  try {
    const input = join(dir, "in.jsonl");
    const lines: string[] = [];
    const r2 = lcg(7);
    for (let i = 0; i < N; i++) {
      const g = Math.floor(r2() * groupCount);
      const answer = r2() < 0.5 ? "42" : "41";
      lines.push(JSON.stringify({ id: i, group: `q${g}`, prompt: `question ${g}`, completion: `<answer>${answer}</answer>`, reference: "42" }));
    }
    writeFileSync(input, lines.join("\n") + "\n");
    const base = "rewards:\n  correct: {type: exact, from_tag: answer}\n";
    writeFileSync(join(dir, "plain.yaml"), base);
    writeFileSync(join(dir, "grpo.yaml"), `${base}normalize: {type: grpo, preset: verl, group_size: ${G}}\n`);
    console.log(`\n## end to end: rewardsmith score (${N.toLocaleString("en-US")} records, ${(statSync(input).size / 1e6).toFixed(0)} MB, groups spread over the file)\n`);
    console.log("| spec | wall time | CPU time | records/s (wall) |\n| --- | ---: | ---: | ---: |");
    for (const spec of ["plain.yaml", "grpo.yaml"]) {
      const scorer = new Scorer(loadSpec(join(dir, spec)));
      const output = createWriteStream(join(dir, "out.jsonl"));
      const cpu = process.cpuUsage();
      const t = performance.now();
      const run = scorer.spec.normalize ? scoreStreamNormalized : scoreStream;
      const summary = await run(scorer, createReadStream(input, { highWaterMark: 1 << 20 }), output);
      await new Promise<void>((resolve) => output.end(resolve));
      const s = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      await scorer.close();
      if (summary.records !== N) throw new Error(`scored ${summary.records} records, expected ${N}`);
      const label = spec === "plain.yaml" ? "exact, no normalize" : "exact + normalize grpo (verl)";
      console.log(`| ${label} | ${s.toFixed(2)} s | ${((used.user + used.system) / 1e6).toFixed(2)} s | ${Math.round(N / s).toLocaleString("en-US")} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
