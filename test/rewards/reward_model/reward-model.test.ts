import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Sample } from "../../../src/core/types.ts";
import { pathValues, poolingScore, rewardModelReward } from "../../../src/rewards/reward_model/index.ts";
import { arithmeticProblems } from "../../../src/testing/index.ts";
import { rmScore } from "../../../src/testing/model-server.ts";
import { runReward, tempDir } from "../../helpers.ts";
import { modelAndFaultServers } from "../models/fault-server.ts";

const servers = modelAndFaultServers();

const problems = arithmeticProblems({ seed: 5, count: 6, split: "heldout" });
/** Right solutions, and the same with the answer off by one (a wrong outcome). */
const samples: Sample[] = problems.flatMap((p) => [
  { prompt: p.prompt, completion: p.solution },
  { prompt: p.prompt, completion: p.solution.replace(/Answer: (\d+)$/, (_m, d) => `Answer: ${Number(d) + 1}`) },
]);
const texts = samples.map((s) => `${s.prompt}${s.completion}`);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const base = () => ({ base_url: servers.model.url, cache: false, retries: 0, template: "{prompt}{completion}" });
const close = (a: number[], b: number[]) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-9, `${i}: ${x} vs ${b[i]}`));

test("reward_model: every protocol gives the served model's score, in record order", async () => {
  const want = texts.map(rmScore);
  assert.ok(new Set(want).size > 1, "the rewards differ between records");
  const cases: Array<[string, Record<string, unknown>, number[]]> = [
    ["openrlhf", { protocol: "openrlhf" }, want],
    ["vllm classify", { protocol: "vllm", endpoint: "classify" }, want.map(sigmoid)],
    ["vllm classify by label", { protocol: "vllm", endpoint: "classify", label: 0 }, want.map((x) => 1 - sigmoid(x))],
    ["vllm score", { protocol: "vllm", endpoint: "score" }, want.map(sigmoid)],
    ["tei predict", { protocol: "tei", label: "good" }, want.map(sigmoid)],
    ["tei predict pairs raw", { protocol: "tei", label: "good", pair: true, raw_scores: true }, want.map((x) => x / 2)],
    ["tei rerank", { protocol: "tei", endpoint: "rerank" }, want.map(sigmoid)],
    ["custom", { protocol: "openai_compatible_custom", path: "/get_reward", input_field: "query", json_path: "rewards" }, want],
    ["custom data[].probs", { protocol: "openai_compatible_custom", path: "/classify", json_path: "data[].index" }, want.map((_, i) => i % 4)],
  ];
  for (const [name, o, expected] of cases) {
    const results = await runReward(rewardModelReward, { ...base(), batch_size: 4, ...o }, samples);
    assert.deepEqual(results.map((r) => r.status), samples.map(() => "ok"), `${name}: ${results.find((r) => r.status !== "ok")?.reason}`);
    close(results.map((r) => r.reward!), expected);
  }
});

test("reward_model: vLLM pooling takes the last row of per-token (or per-step) rows", async () => {
  const [right, wrong] = await runReward(rewardModelReward, { ...base(), protocol: "vllm" }, [
    { prompt: problems[0].prompt, completion: problems[0].solution },
    { prompt: problems[0].prompt, completion: problems[0].solution.replace(/^Step 1: (\d+)([+-])(\d+)=(\d+)/, (_m, a, op, b, c) => `Step 1: ${a}${op}${b}=${Number(c) + 1}`) },
  ]);
  assert.equal(right.reward, 1, right.reason);
  assert.equal(wrong.reward, 1, "the last step carries the wrong value on correctly");
  assert.equal(poolingScore([[0.1, 0.9], [0.7, 0.3]], undefined), 0.3);
  assert.equal(poolingScore(2.5, undefined), 2.5);
  assert.equal(poolingScore([1.5], undefined), 1.5);
  assert.match(String(poolingScore([0.2, 0.8], 5)), /class 5 asked for, the server returned 2/);
});

test("reward_model: input messages (vLLM classify applies the chat template); batching counts requests", async () => {
  const msgs: Sample[] = samples.slice(0, 3).map((s) => ({ prompt: [{ role: "user", content: String(s.prompt).trimEnd() }], completion: s.completion }));
  const reward = rewardModelReward.create(rewardModelReward.options.parse({ ...base(), endpoint: "classify", input: "messages" }), { name: "r", specDir: ".", type: "reward_model" });
  const results = await reward.score(msgs);
  close(results.map((r) => r.reward!), texts.slice(0, 3).map((t) => sigmoid(rmScore(t))));
  assert.equal(reward.summary!().requests, 3);
  await reward.close!();
  const batched = rewardModelReward.create(rewardModelReward.options.parse({ ...base(), protocol: "openrlhf", batch_size: 5 }), { name: "r", specDir: ".", type: "reward_model" });
  await batched.score(samples);
  assert.equal(batched.summary!().requests, Math.ceil(samples.length / 5));
  await batched.close!();
  const rerank = rewardModelReward.create(rewardModelReward.options.parse({ ...base(), protocol: "tei", endpoint: "rerank" }), { name: "r", specDir: ".", type: "reward_model" });
  await rerank.score(samples);
  assert.equal(rerank.summary!().requests, problems.length, "rerank: one request per prompt");
  await rerank.close!();
});

test("reward_model: transforms sigmoid and z-score against a calibration file", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "cal.json"), JSON.stringify({ mean: 0.5, std: 2 }));
  const raw = texts.slice(0, 2).map(rmScore);
  const sig = await runReward(rewardModelReward, { ...base(), protocol: "openrlhf", transform: "sigmoid" }, samples.slice(0, 2));
  close(sig.map((r) => r.reward!), raw.map(sigmoid));
  const type = rewardModelReward;
  const z = type.create(type.options.parse({ ...base(), protocol: "openrlhf", transform: "zscore", calibration: "cal.json" }), { name: "r", specDir: dir, type: "reward_model" });
  close((await z.score(samples.slice(0, 2))).map((r) => r.reward!), raw.map((x) => (x - 0.5) / 2));
  assert.throws(() => type.create(type.options.parse({ ...base(), transform: "zscore", calibration: "missing.json" }), { name: "r", specDir: dir, type: "reward_model" }), /calibration: cannot read/);
  assert.equal(type.options.safeParse({ ...base(), transform: "zscore" }).success, false);
  assert.match(JSON.stringify(type.options.safeParse({ ...base(), protocol: "tei", endpoint: "score" }).error?.issues), /protocol tei has no score route/);
});

test("reward_model: json_path", () => {
  assert.deepEqual(pathValues({ data: [{ score: 1 }, { score: 2 }] }, "data[].score"), [1, 2]);
  assert.deepEqual(pathValues({ output: { scores: [3, 4] } }, "output.scores"), [3, 4]);
  assert.match(String(pathValues({ data: [{ x: 1 }] }, "data[].score")), /no "score" in the reply/);
  assert.match(String(pathValues({ rewards: 1 }, "rewards")), /names no list/);
});

test("reward_model: empty completions are unscorable; bad endpoints give error records naming URL and what was wrong", async () => {
  const one: Sample[] = [{ prompt: "Q: 1+1\n", completion: "Step 1: 1+1=2\nAnswer: 2" }, { prompt: "x", completion: "  " }];
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["missing", { protocol: "openrlhf" }, /missing\/get_reward failed: HTTP 404/],
    ["shape", { protocol: "openrlhf" }, /shape\/get_reward failed: get_reward response has no rewards/],
    ["shape", { protocol: "vllm", endpoint: "classify" }, /shape\/classify failed: classify response has no data/],
    ["shape", { protocol: "tei" }, /shape\/predict failed: predict response has no list/],
    ["html", { protocol: "vllm", endpoint: "score" }, /html\/score failed: malformed JSON response: "<html>/],
    ["html500", { protocol: "tei", endpoint: "rerank" }, /html500\/rerank failed: HTTP 502/],
    ["empty", { protocol: "openrlhf" }, /empty\/get_reward failed: malformed JSON response/],
    ["hang", { protocol: "openrlhf" }, /hang\/get_reward failed: timed out after 0.3 s/],
  ];
  for (const [mode, o, want] of cases) {
    const [r, empty] = await runReward(rewardModelReward, { ...base(), base_url: servers.faults.url(mode), timeout_s: 0.3, ...o }, one);
    assert.equal(r.status, "error", mode);
    assert.match(r.reason!, want);
    assert.match(r.reason!, /^reward model request to http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(empty.status, "unscorable");
  }
  const [multi] = await runReward(rewardModelReward, { ...base(), protocol: "tei" }, one);
  assert.match(multi.reason!, /returned 2 labels \(good, bad\): set label/);
});
