/**
 * Pipeline throughput for a cheap reward (regex) through the same streaming path as
 * `rewardsmith score`: JSONL in, JSONL out, one core. Prints a markdown table.
 *   node bench/score.ts [records=1000000]
 */
import { createReadStream, createWriteStream, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScorer } from "../src/pipeline/score.ts";
import { scoreStream } from "../src/pipeline/stream.ts";

const total = Number(process.argv[2] ?? 1_000_000);
const dir = join(tmpdir(), `rewardsmith-bench-${process.pid}`);
const inputPath = `${dir}-in.jsonl`;
const outputPath = `${dir}-out.jsonl`;

function makeInput(): number {
  let bytes = 0;
  const chunk: string[] = [];
  writeFileSync(inputPath, "");
  for (let i = 0; i < total; i++) {
    const answer = i % 3 === 0 ? "42" : String(i % 97);
    const line = JSON.stringify({
      id: `q${i >> 4}-s${i & 15}`,
      prompt: "What is six times seven? Put the answer in <answer> tags.",
      completion: `<think>six times seven is forty-two</think><answer>${answer}</answer>`,
      reference: "42",
      group: `q${i >> 4}`,
    });
    chunk.push(line);
    bytes += line.length + 1;
    if (chunk.length === 50_000) {
      writeFileSync(inputPath, chunk.join("\n") + "\n", { flag: "a" });
      chunk.length = 0;
    }
  }
  if (chunk.length) writeFileSync(inputPath, chunk.join("\n") + "\n", { flag: "a" });
  return bytes;
}

const inputBytes = makeInput();
const scorer = createScorer({
  rewards: { correct: { type: "regex", pattern: "<answer>\\s*(\\S+?)\\s*</answer>", mode: "extract" } },
});
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
const summary = await scoreStream(scorer, createReadStream(inputPath, { highWaterMark: 1 << 20 }), createWriteStream(outputPath));
clearInterval(sampler);
await scorer.close();
rmSync(inputPath, { force: true });
rmSync(outputPath, { force: true });

const mb = (n: number) => (n / 2 ** 20).toFixed(0);
console.log("| records | input MB | wall s | records/s | ok | RSS before MB | RSS peak MB |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
console.log(
  `| ${summary.records.toLocaleString("en-US")} | ${mb(inputBytes)} | ${summary.wallSeconds.toFixed(2)} | ${Math.round(summary.recordsPerSecond).toLocaleString("en-US")} | ${summary.ok.toLocaleString("en-US")} | ${mb(rssBefore)} | ${mb(rssPeak)} |`,
);
