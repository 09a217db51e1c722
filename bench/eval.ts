/**
 * `rewardsmith eval` on 10,000 pairwise (RewardBench 1 layout) items with a rule reward (exact
 * match on the <answer> tag): read, score 20,000 candidates through the Scorer, metrics per
 * subset with 1,000-resample bootstrap intervals, controls, eval.json + items.jsonl; the HTML
 * report separately. Target: < 2 s for the evaluation. Prints a markdown table.
 *   node bench/eval.ts [items=10000]
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "../src/eval/evaluate.ts";
import { buildEvalReport } from "../src/eval/report.ts";
import { writeEvaluation } from "../src/eval/output.ts";

const total = Number(process.argv[2] ?? 10_000);
const dir = join(tmpdir(), `rewardsmith-bench-eval-${process.pid}`);
const input = `${dir}.jsonl`;
const subsets = ["alpacaeval-easy", "mt-bench-med", "llmbar-natural", "refusals-dangerous", "math-prm", "hep-python"];
const lines: string[] = [];
for (let i = 0; i < total; i++) {
  const right = String(i % 97);
  const wrong = i % 5 === 0 ? right : String((i % 97) + 1);
  lines.push(JSON.stringify({ id: `b${i}`, prompt: `What is ${i % 97}? Answer in <answer> tags.`, chosen: `<think>it is ${right}</think><answer>${right}</answer>`, rejected: `<think>maybe ${wrong}</think><answer>${wrong}</answer>`, reference: right, subset: subsets[i % subsets.length] }));
}
writeFileSync(input, lines.join("\n") + "\n");
const spec = { rewards: { correct: { type: "exact", from_tag: "answer" } } };

const rows: Array<[string, string, string]> = [];
const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
};
await evaluate({ spec, input, bootstrap: 10 }); // warm-up (module loading, JIT)
const [ev, evalS] = await time(() => evaluate({ spec, input }));
const [, writeS] = await time(() => writeEvaluation(ev, dir, { report: false }));
const [, reportS] = await time(() => buildEvalReport(ev));
const [, noBootS] = await time(() => evaluate({ spec, input, bootstrap: 0 }));
rows.push([`evaluate(): read, score ${(total * 2).toLocaleString("en-US")} candidates, metrics, 1,000 bootstrap resamples`, `${evalS.toFixed(2)} s`, "< 2 s"]);
rows.push(["evaluate() without bootstrap", `${noBootS.toFixed(2)} s`, ""]);
rows.push(["write eval.json + items.jsonl", `${writeS.toFixed(2)} s`, ""]);
rows.push(["report.html (first bundle of the UI included)", `${reportS.toFixed(2)} s`, ""]);
rows.push(["items per second (evaluate)", Math.round(total / evalS).toLocaleString("en-US"), ""]);
console.log(`\n${total.toLocaleString("en-US")} pairwise items, rule reward (exact), headline ${ev.result.headline.metric} ${ev.result.headline.value?.toFixed(4)}\n`);
console.log("| what | result | target |\n|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
rmSync(input, { force: true });
rmSync(dir, { recursive: true, force: true });
