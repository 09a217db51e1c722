import assert from "node:assert/strict";
import { test } from "node:test";
import type { Sample } from "../../../src/core/types.ts";
import { likelihoodReward, placeReference } from "../../../src/rewards/likelihood/index.ts";
import { arithmeticProblems } from "../../../src/testing/index.ts";
import { runReward } from "../../helpers.ts";
import { modelAndFaultServers } from "../models/fault-server.ts";

const servers = modelAndFaultServers();

const base = () => ({ base_url: servers.model.url, cache: false, retries: 0 });
const problems = arithmeticProblems({ seed: 21, count: 40, split: "heldout" });

test("likelihood: the right reference is more likely than a wrong one after the same reasoning, on most held-out problems", async () => {
  const right: Sample[] = problems.map((p) => ({ prompt: p.prompt, completion: p.solution, reference: p.reference }));
  const wrong: Sample[] = problems.map((p) => ({ prompt: p.prompt, completion: p.solution, reference: String(Number(p.reference) + 10) }));
  for (const reduce of ["mean_prob", "sum", "mean"]) {
    const a = await runReward(likelihoodReward, { ...base(), reduce }, right);
    const b = await runReward(likelihoodReward, { ...base(), reduce }, wrong);
    assert.ok(a.every((r) => r.status === "ok") && b.every((r) => r.status === "ok"), a.find((r) => r.status !== "ok")?.reason);
    const wins = a.filter((r, i) => r.reward! > b[i].reward!).length;
    assert.ok(wins >= 0.8 * problems.length, `${reduce}: the right reference wins on ${wins} of ${problems.length}`);
    if (reduce === "mean_prob") assert.ok(a.every((r) => r.reward! > 0 && r.reward! <= 1));
    else assert.ok(a.every((r) => r.reward! <= 0));
  }
});

test("likelihood: debiasing subtracts the score without reasoning; clip bounds it", async () => {
  const s: Sample[] = problems.slice(0, 6).map((p) => ({ prompt: p.prompt, completion: p.solution, reference: p.reference }));
  const plain = await runReward(likelihoodReward, base(), s);
  const noReasoning = await runReward(likelihoodReward, { ...base(), answer_prefix: "Answer: " }, s.map((x) => ({ ...x, completion: "Answer: ?" })));
  const debiased = await runReward(likelihoodReward, { ...base(), debias: true }, s);
  debiased.forEach((r, i) => assert.ok(Math.abs(r.reward! - (plain[i].reward! - noReasoning[i].reward!)) < 1e-12));
  assert.ok(debiased.some((r) => r.reward! > 0.2), "the worked steps make the answer more likely");
  const clipped = await runReward(likelihoodReward, { ...base(), debias: true, clip: [0, 0.1] }, s);
  assert.ok(clipped.every((r) => r.reward! >= 0 && r.reward! <= 0.1));
});

test("likelihood: the reference is placed where the answer is, also when it appears earlier in the reasoning", () => {
  const sample: Sample = { prompt: "Q: 4+1\n", completion: "Step 1: 4+1=5\nAnswer: 7", reference: "5" };
  const placed = placeReference(sample, { template: "{prompt}{completion}", answer_prefix: "Answer: ", from_tag: undefined }, true);
  assert.ok(typeof placed !== "string");
  assert.equal(placed.text, "Q: 4+1\nStep 1: 4+1=5\nAnswer: 5");
  assert.equal(placed.start, placed.text.length - 1, "the last 5, not the one in the step");
  const tagged = placeReference({ ...sample, completion: "<think>5</think><answer>7</answer>" }, { template: "<s>{prompt}{completion}</s>", answer_prefix: "Answer: ", from_tag: "answer" }, true);
  assert.ok(typeof tagged !== "string");
  assert.equal(tagged.text, "<s>Q: 4+1\n<think>5</think><answer>5</answer></s>");
  assert.equal(tagged.text.slice(tagged.start, tagged.end), "5");
  const emoji = placeReference({ prompt: "😀 ", completion: "é 答 Answer: x", reference: "👍🏽" }, { template: "{prompt}{completion}", answer_prefix: "Answer: ", from_tag: undefined }, true);
  assert.ok(typeof emoji !== "string");
  assert.equal(emoji.text.slice(emoji.start, emoji.end), "👍🏽");
  assert.match(String(placeReference({ completion: "no prefix", reference: "1" }, { template: "{prompt}{completion}", answer_prefix: "Answer: ", from_tag: undefined }, true)), /no "Answer: "/);
  assert.match(String(placeReference({ completion: "x" }, { template: "{prompt}{completion}", answer_prefix: "", from_tag: undefined }, true)), /no reference/);
});

test("likelihood: unscorable without a reference or prefix; a server without prompt logprobs is unscorable; a dead one an error", async () => {
  const s: Sample[] = [
    { prompt: "Q: 1+1\n", completion: "Step 1: 1+1=2\nAnswer: 2", reference: "2" },
    { prompt: "Q: 1+1\n", completion: "Step 1: 1+1=2", reference: "2" },
    { prompt: "Q: 1+1\n", completion: "Answer: 2" },
  ];
  const out = await runReward(likelihoodReward, base(), s);
  assert.deepEqual(out.map((r) => r.status), ["ok", "unscorable", "unscorable"]);
  const [llama] = await runReward(likelihoodReward, { ...base(), base_url: servers.faults.url("nologprobs") }, s.slice(0, 1));
  assert.equal(llama.status, "unscorable");
  assert.match(llama.reason!, /returned no prompt logprobs/);
  const [html] = await runReward(likelihoodReward, { ...base(), base_url: servers.faults.url("html") }, s.slice(0, 1));
  assert.equal(html.status, "error");
  assert.match(html.reason!, /html\/completions failed: malformed JSON response/);
  const [sg] = await runReward(likelihoodReward, { ...base(), backend: "sglang" }, s.slice(0, 1));
  assert.ok(Math.abs(sg.reward! - out[0].reward!) < 1e-9, "the SGLang backend agrees");
});

test("likelihood: a reference whose span starts inside a token (\"Answer: \" is one token) counts it with overlap, not with inside", async () => {
  const [p] = problems;
  const s: Sample[] = [{ prompt: p.prompt, completion: p.solution, reference: `: ${p.reference}` }];
  const o = { ...base(), answer_prefix: "Answer", reduce: "sum" };
  const [overlap] = await runReward(likelihoodReward, o, s);
  const [inside] = await runReward(likelihoodReward, { ...o, boundary: "inside" }, s);
  const [plain] = await runReward(likelihoodReward, { ...base(), reduce: "sum" }, [{ ...s[0], reference: p.reference }]);
  assert.ok(Math.abs(inside.reward! - plain.reward!) < 1e-12, "inside: only the answer's own tokens");
  assert.ok(overlap.reward! < inside.reward!, "overlap adds the straddling token's logprob");
});
