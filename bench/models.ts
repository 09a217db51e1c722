/**
 * Figures of the model-backed rewards (docs/models.md):
 * 1. batched reward_model overhead per record against a zero-latency local server (a child
 *    process answering /get_reward at once), through the reward and through the whole scorer;
 * 2. likelihood accuracy on the testbed (right vs wrong reference after the same reasoning);
 * 3. confidence AUC against correctness on sampled solutions;
 * 4. self_certainty: the top-k estimate against the exact value from the full distribution.
 * Run: node bench/models.ts [records]
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { Sample } from "../src/core/types.ts";
import { createScorer } from "../src/pipeline/score.ts";
import { confidenceReward } from "../src/rewards/confidence/index.ts";
import { likelihoodReward } from "../src/rewards/likelihood/index.ts";
import { rewardModelReward } from "../src/rewards/reward_model/index.ts";
import { positionCertainty } from "../src/rewards/self_certainty/index.ts";
import { arithmeticProblems, checkSteps, createRng, generate, loadTestModel, scoreText, startTestModelServer } from "../src/testing/index.ts";
import { auc as rocAuc } from "../src/eval/metrics/pointwise.ts";

const N = Number(process.argv[2] ?? 20000);
const rows: Array<[string, string]> = [];

// 1. reward_model overhead ---------------------------------------------------------------
const ZERO_SERVER = `
const http = require("node:http");
const s = http.createServer((req, res) => {
  let raw = ""; req.setEncoding("utf8");
  req.on("data", (d) => (raw += d));
  req.on("end", () => {
    const n = JSON.parse(raw).query.length;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ rewards: new Array(n).fill(0.5) }));
  });
});
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;
const child = spawn(process.execPath, ["-e", ZERO_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
const [portLine] = (await once(child.stdout!, "data")) as [Buffer];
const url = `http://127.0.0.1:${String(portLine).trim()}/v1`;
const samples: Sample[] = Array.from({ length: N }, (_, i) => ({ id: i, prompt: `Question ${i}: what is ${i} + 1?`, completion: `The answer is ${i + 1}.` }));

for (const batch of [32, 128, 256]) {
  const o = rewardModelReward.options.parse({ protocol: "openrlhf", base_url: url, cache: false, batch_size: batch, max_concurrency: 8 });
  const reward = rewardModelReward.create(o, { name: "rm", specDir: ".", type: "reward_model" });
  await reward.score(samples.slice(0, 2000)); // warm-up
  const t0 = performance.now();
  const out = await reward.score(samples);
  const ms = performance.now() - t0;
  if (out.some((r) => r.status !== "ok")) throw new Error("reward_model bench: a record failed");
  rows.push([`reward_model overhead per record, batch ${batch} (reward.score, ${N} records)`, `${((ms / N) * 1000).toFixed(1)} µs (${(N / (ms / 1000)).toFixed(0)} records/s, ${reward.summary!().requests} requests incl. warm-up)`]);
  await reward.close?.();
}
{
  const scorer = createScorer({ rewards: { rm: { type: "reward_model", protocol: "openrlhf", base_url: url, cache: false } } } as never, undefined);
  const raws = samples.map((s) => ({ id: s.id, prompt: s.prompt, completion: s.completion }));
  await scorer.scoreRecords(raws.slice(0, 2000));
  const t0 = performance.now();
  const out = await scorer.scoreRecords(raws);
  const ms = performance.now() - t0;
  if (out.some((r) => r.status !== "ok")) throw new Error("scorer bench: a record failed");
  rows.push([`reward_model overhead per record, default batch 128 (createScorer().scoreRecords, ${N} records)`, `${((ms / N) * 1000).toFixed(1)} µs`]);
  await scorer.close();
}
child.kill();

// 2-3. likelihood accuracy and confidence AUC on the testbed ---------------------------------
const server = await startTestModelServer();
const problems = arithmeticProblems({ seed: 2026, count: 100, split: "heldout" });
const model = loadTestModel();
const rng = createRng(3);
const sampled: Array<{ prompt: string; completion: string; correct: boolean; reference: string }> = [];
for (const p of problems) {
  const prompt = scoreText(model, p.prompt, 0);
  for (let i = 0; i < 4; i++) {
    const g = generate(prompt.session.fork(), prompt.next!, model.config.n_ctx - prompt.tokens.length, { temperature: 1, topP: 1, maxTokens: 100, stop: [], topLogprobs: 0, rng });
    sampled.push({ prompt: p.prompt, completion: g.text, correct: checkSteps(p.prompt, g.text).correct, reference: p.reference });
  }
}
const conn = { base_url: server.url, cache: false, retries: 0 };
const score = async (type: typeof likelihoodReward | typeof confidenceReward, o: Record<string, unknown>, s: Sample[]) => {
  const reward = type.create(type.options.parse({ ...conn, ...o }) as never, { name: "r", specDir: ".", type: type.type });
  const out = await reward.score(s);
  await reward.close?.();
  return out;
};
const wrongRef = (r: string) => String(Number(r) + 10);
for (const [label, items] of [
  ["gold reasoning", problems.map((p) => ({ prompt: p.prompt, completion: p.solution, reference: p.reference }))],
  ["sampled reasoning (T=1)", sampled.filter((s) => s.completion.includes("Answer: "))],
] as const) {
  for (const reduce of ["mean_prob", "sum"]) {
    const right = await score(likelihoodReward, { reduce }, items.map((x) => ({ prompt: x.prompt, completion: x.completion, reference: x.reference })));
    const wrong = await score(likelihoodReward, { reduce }, items.map((x) => ({ prompt: x.prompt, completion: x.completion, reference: wrongRef(x.reference) })));
    const pairs = right.map((r, i) => [r, wrong[i]] as const).filter(([a, b]) => a.status === "ok" && b.status === "ok");
    const wins = pairs.filter(([a, b]) => a.reward! > b.reward!).length;
    rows.push([`likelihood (${reduce}): right reference beats reference+10, ${label}`, `${((100 * wins) / pairs.length).toFixed(1)} % of ${pairs.length}`]);
  }
}
function auc(scores: number[], labels: boolean[]): number {
  return rocAuc(scores.map((score, i) => ({ score, label: labels[i] ? 1 : 0 })));
}
const correctShare = sampled.filter((s) => s.correct).length / sampled.length;
for (const o of [{ span: "answer", reduce: "mean_prob" }, { span: "answer", reduce: "min_prob" }, { span: "completion", reduce: "mean_prob" }, { span: "completion", reduce: "min_prob" }]) {
  const out = await score(confidenceReward, { source: "teacher_force", ...o }, sampled);
  const keep = out.map((r, i) => [r, sampled[i].correct] as const).filter(([r]) => r.status === "ok");
  rows.push([`confidence AUC vs correctness, span ${o.span}, ${o.reduce} (${keep.length} samples, ${(100 * correctShare).toFixed(0)} % right)`, auc(keep.map(([r]) => r.reward!), keep.map(([, l]) => l)).toFixed(3)]);
}
await server.close();

// 4. self_certainty top-k error ----------------------------------------------------------
const V = model.config.vocab_size;
const exact: number[] = [];
const approx: Record<number, number[]> = { 1: [], 5: [], 10: [], 20: [] };
for (const s of sampled.slice(0, 200)) {
  const text = s.prompt + s.completion;
  const scored = scoreText(model, text, V);
  const promptLen = scoreText(model, s.prompt, 0).tokens.length;
  const positions = scored.tokens.slice(promptLen).filter((t) => t.logprob !== null);
  if (positions.length === 0) continue;
  const mean = (k: number) => positions.reduce((a, t) => a + positionCertainty(t.top.slice(0, k), V), 0) / positions.length;
  exact.push(mean(V));
  for (const k of Object.keys(approx).map(Number)) approx[k].push(mean(k));
}
const rank = (xs: number[]) => {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  order.forEach(([, i], k) => (r[i] = k));
  return r;
};
const spearman = (a: number[], b: number[]) => {
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const d2 = ra.reduce((acc, x, i) => acc + (x - rb[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
};
const meanExact = exact.reduce((a, b) => a + b, 0) / exact.length;
for (const k of Object.keys(approx).map(Number)) {
  const errs = approx[k].map((x, i) => exact[i] - x);
  const mae = errs.reduce((a, b) => a + Math.abs(b), 0) / errs.length;
  const maxErr = Math.max(...errs.map(Math.abs));
  rows.push([`self_certainty top-${k} of V=${V}: mean abs(exact - estimate) (${exact.length} completions, mean exact ${meanExact.toFixed(3)} nats)`, `${mae.toFixed(4)} nats (${((100 * mae) / meanExact).toFixed(2)} %), max ${maxErr.toFixed(4)}, never above exact: ${errs.every((e) => e >= -1e-9)}, Spearman vs exact ${spearman(approx[k], exact).toFixed(4)}`]);
}

console.log("| what | value |\n| --- | --- |");
for (const [a, b] of rows) console.log(`| ${a} | ${b} |`);
