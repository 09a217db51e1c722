import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Sample } from "../../../src/core/types.ts";
import { answerSpan, confidenceReward } from "../../../src/rewards/confidence/index.ts";
import { perplexityReward } from "../../../src/rewards/perplexity/index.ts";
import { positionCertainty, selfCertainty, selfCertaintyReward } from "../../../src/rewards/self_certainty/index.ts";
import { placeChatTokens, recordTokens } from "../../../src/rewards/shared/completion-tokens.ts";
import { arithmeticProblems, checkSteps, startTestModelServer, type TestModelServer } from "../../../src/testing/index.ts";
import { runReward } from "../../helpers.ts";
import { startFaultServer } from "../models/fault-server.ts";
import { auc as rocAuc } from "../../../src/eval/metrics/pointwise.ts";

let server: TestModelServer;
let faults: Awaited<ReturnType<typeof startFaultServer>>;
let rollouts: Array<Sample & { correct: boolean }>;
before(async () => {
  server = await startTestModelServer();
  faults = await startFaultServer();
  // Sampled solutions with their generation logprobs, as a trainer's rollout file holds them.
  rollouts = [];
  for (const p of arithmeticProblems({ seed: 31, count: 30, split: "heldout" })) {
    const res = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: p.prompt }], n: 4, temperature: 1, seed: 7, logprobs: true, top_logprobs: 20 }),
    });
    const json = (await res.json()) as { choices: Array<{ message: { content: string }; logprobs: unknown }> };
    for (const c of json.choices) rollouts.push({ prompt: p.prompt, completion: c.message.content, meta: { logprobs: c.logprobs }, correct: checkSteps(p.prompt, c.message.content).correct });
  }
});
after(async () => {
  await server.close();
  await faults.close();
});

/** Area under the ROC curve of scores against labels (ties count half). */
function auc(scores: number[], labels: boolean[]): number {
  return rocAuc(scores.map((score, i) => ({ score, label: labels[i] ? 1 : 0 })));
}

test("confidence: from the record's generation logprobs equals teacher forcing; it ranks right answers above wrong ones (AUC)", async () => {
  const fromRecord = await runReward(confidenceReward, { source: "record" }, rollouts);
  const forced = await runReward(confidenceReward, { source: "teacher_force", base_url: server.url, cache: false, retries: 0 }, rollouts);
  const both = fromRecord.map((r, i) => [r, forced[i]] as const).filter(([a]) => a.status === "ok");
  assert.ok(both.length > rollouts.length * 0.8, `${both.length} of ${rollouts.length} scored: ${fromRecord.find((r) => r.status !== "ok")?.reason}`);
  for (const [a, b] of both) assert.ok(Math.abs(a.reward! - b.reward!) < 1e-5, `${a.reward} vs ${b.reward}`);
  const labels = rollouts.map((r) => r.correct);
  assert.ok(labels.some((x) => x) && labels.some((x) => !x));
  const ok = fromRecord.map((r, i) => [r, labels[i]] as const).filter(([r]) => r.status === "ok");
  const area = auc(ok.map(([r]) => r.reward!), ok.map(([, l]) => l));
  // The answer's own tokens say little here (the model carries a wrong value on confidently);
  // the whole completion's confidence separates right from wrong much better (docs/models.md).
  assert.ok(area > 0.52, `answer-span AUC ${area.toFixed(3)}`);
  const whole = await runReward(confidenceReward, { source: "record", span: "completion" }, rollouts);
  const wholeArea = auc(whole.map((r) => r.reward!), labels);
  assert.ok(wholeArea > 0.7, `completion AUC ${wholeArea.toFixed(3)}`);
});

test("confidence: min_prob <= mean_prob; span completion; unscorable without logprobs or an answer", async () => {
  const s = rollouts.slice(0, 8);
  const mean = await runReward(confidenceReward, {}, s);
  const min = await runReward(confidenceReward, { reduce: "min_prob" }, s);
  const all = await runReward(confidenceReward, { span: "completion", reduce: "mean_prob" }, s);
  mean.forEach((r, i) => r.status === "ok" && assert.ok(min[i].reward! <= r.reward! + 1e-12));
  assert.ok(all.every((r) => r.status === "ok"));
  const [none, noAnswer] = await runReward(confidenceReward, {}, [
    { prompt: "Q: 1+1\n", completion: "Answer: 2" },
    { prompt: "Q: 1+1\n", completion: "Step 1: 1+1=2", meta: { logprobs: { content: [] } } },
  ]);
  assert.match(none.reason!, /no meta\.logprobs and no base_url/);
  assert.equal(noAnswer.status, "unscorable");
});

test("answer span: the last answer, trimmed; a value that appears twice is taken where the answer is", () => {
  const c = "Step 1: 5+2=7\nAnswer:  7 \n";
  const span = answerSpan(c, { span: "answer", answer_prefix: "Answer: ", from_tag: undefined });
  assert.deepEqual(span, [c.lastIndexOf("7"), c.lastIndexOf("7") + 1]);
  assert.deepEqual(answerSpan("<answer>a</answer> x <answer> 😀b </answer>", { span: "answer", answer_prefix: "Answer: ", from_tag: "answer" }), [30, 33]);
  assert.match(String(answerSpan("no", { span: "answer", answer_prefix: "Answer: ", from_tag: undefined })), /no "Answer: "/);
});

test("generation logprobs placement: by bytes over multi-byte characters, by token text otherwise; trailing stop tokens dropped", () => {
  const completion = "é😀x";
  // A byte-level BPE can split 😀 (4 bytes) into two tokens: the first ends inside the character.
  const bytes = [...Buffer.from("é")].map((b) => b);
  const emoji = [...Buffer.from("😀")];
  const placed = placeChatTokens(
    [
      { token: "é", logprob: -1, bytes },
      { token: "bytes:\\xf0\\x9f", logprob: -2, bytes: emoji.slice(0, 2) },
      { token: "bytes:\\x98\\x80", logprob: -3, bytes: emoji.slice(2) },
      { token: "x", logprob: -4, bytes: [120] },
      { token: "<|im_end|>", logprob: -0.1, bytes: [] },
    ],
    completion,
  );
  assert.ok(Array.isArray(placed));
  assert.deepEqual(placed.map((t) => [t.start, t.end]), [[0, 1], [1, 3], [1, 3], [3, 4]]);
  const spelled = placeChatTokens([{ token: "é", logprob: -1 }, { token: "😀", logprob: -1 }, { token: "x", logprob: -1 }, { token: "", logprob: -1 }], completion);
  assert.deepEqual((spelled as Array<{ start: number; end: number }>).map((t) => [t.start, t.end]), [[0, 1], [1, 3], [3, 4]]);
  assert.match(String(placeChatTokens([{ token: "y", logprob: -1 }], completion)), /do not spell the completion at character 0/);
  assert.match(String(placeChatTokens([{ token: "e", logprob: -1, bytes: [101] }], completion)), /bytes do not spell the completion at byte 0/);
  const legacy = recordTokens({ completion, meta: { lp: { tokens: ["é", "😀", "x"], token_logprobs: [-1, -2, -3], text_offset: [0, 1, 2] } } }, "lp", completion);
  assert.deepEqual((legacy as Array<{ start: number; end: number }>).map((t) => [t.start, t.end]), [[0, 1], [1, 3], [3, 4]]);
  assert.match(String(recordTokens({ completion, meta: { lp: { tokens: ["x"], token_logprobs: [-1] } } }, "lp", completion)), /no character offsets/);
});

test("self_certainty: exact on the full distribution, a lower bound from the top k; from the record or teacher-forced", async () => {
  const probs = [0.5, 0.2, 0.1, 0.1, 0.05, 0.05];
  const full = probs.map((p) => ({ logprob: Math.log(p) }));
  const exact = -Math.log(6) - probs.reduce((a, p) => a + Math.log(p), 0) / 6;
  assert.ok(Math.abs(positionCertainty(full, 6) - exact) < 1e-12);
  assert.ok(positionCertainty(full.slice(0, 3), 6) <= exact + 1e-12, "the even tail is the least certain tail");
  assert.ok(Math.abs(positionCertainty(full.slice(0, 4), 6) - exact) < 0.05);
  assert.equal(positionCertainty([{ logprob: Math.log(1 / 6) }], 6) < 1e-9, true, "uniform p has zero KL (one seen token, the rest uniform)");
  assert.match(String(selfCertainty([{ start: 0, end: 1, logprob: -1 }], 10)), /no top alternatives/);
  const s = rollouts.slice(0, 6);
  const rec = await runReward(selfCertaintyReward, { vocab_size: 31, source: "record" }, s);
  const tf = await runReward(selfCertaintyReward, { vocab_size: 31, source: "teacher_force", base_url: server.url, cache: false, retries: 0 }, s);
  rec.forEach((r, i) => {
    assert.equal(r.status, "ok", r.reason);
    assert.ok(r.reward! > 0);
    assert.ok(Math.abs(r.reward! - tf[i].reward!) < 1e-4, `${r.reward} vs ${tf[i].reward}`);
  });
});

test("perplexity: the right solution reads as more fluent than a scrambled one; inverse and mean_logprob agree", async () => {
  const [p] = arithmeticProblems({ seed: 2, count: 1, split: "heldout" });
  const s: Sample[] = [
    { prompt: p.prompt, completion: p.solution },
    { prompt: p.prompt, completion: p.solution.split("").reverse().join("") },
  ];
  const o = { base_url: server.url, cache: false, retries: 0 };
  const [good, bad] = await runReward(perplexityReward, o, s);
  assert.ok(good.reward! >= 1 && good.reward! < bad.reward!, `${good.reward} vs ${bad.reward}`);
  const [inv] = await runReward(perplexityReward, { ...o, output: "inverse" }, s.slice(0, 1));
  const [mlp] = await runReward(perplexityReward, { ...o, output: "mean_logprob" }, s.slice(0, 1));
  assert.ok(Math.abs(inv.reward! - 1 / good.reward!) < 1e-12 && Math.abs(Math.exp(-mlp.reward!) - good.reward!) < 1e-9);
  const [dead] = await runReward(perplexityReward, { ...o, base_url: faults.url("html500") }, s.slice(0, 1));
  assert.equal(dead.status, "error");
  assert.match(dead.reason!, /html500\/completions failed: HTTP 502/);
});
