import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encode, rmScore, startTestModelServer, type TestModelServer } from "../../src/testing/index.ts";

/** The reward-model and SGLang routes of the test model server, against the shapes of the servers they imitate. */
let server: TestModelServer;
let root: string;
before(async () => {
  server = await startTestModelServer();
  root = server.url.replace(/\/v1$/, "");
});
after(() => server.close());

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${root}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

const right = "Q: 41+27\nStep 1: 41+27=68\nAnswer: 68";
const wrong = "Q: 41+27\nStep 1: 41+27=69\nAnswer: 69";
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("test model server: reward-model protocols", () => {
  it("rmScore: right answer high, wrong low, not a problem -3", () => {
    assert.equal(rmScore(right), 2.5);
    assert.equal(rmScore(wrong), -2.5);
    assert.equal(rmScore("hello"), -3);
  });

  it("vLLM /score: 1:N and N:N pairs, data[i] {index, object: score, score}", async () => {
    const oneToN = await post("/score", { text_1: "Q: 41+27\n", text_2: ["Step 1: 41+27=68\nAnswer: 68", "Step 1: 41+27=69\nAnswer: 69"] });
    assert.equal(oneToN.status, 200);
    assert.deepEqual(oneToN.json.data.map((d: any) => [d.index, d.object]), [[0, "score"], [1, "score"]]);
    assert.ok(Math.abs(oneToN.json.data[0].score - sigmoid(2.5)) < 1e-12);
    const bad = await post("/v1/score", { text_1: ["a", "b"], text_2: ["c", "d", "e"] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, "text_1");
  });

  it("vLLM /classify: {index, label, probs, num_classes}; messages apply the chat template", async () => {
    const r = await post("/classify", { input: [right, wrong] });
    assert.deepEqual(r.json.data.map((d: any) => [d.index, d.label, d.num_classes]), [[0, "good", 2], [1, "bad", 2]]);
    assert.ok(Math.abs(r.json.data[0].probs[0] + r.json.data[0].probs[1] - 1) < 1e-12);
    const m = await post("/v1/classify", { messages: [{ role: "user", content: "Q: 41+27" }, { role: "assistant", content: "Step 1: 41+27=68\nAnswer: 68" }] });
    assert.equal(m.json.data[0].label, "good");
    assert.equal(r.json.usage.prompt_tokens, encode(right).ids.length + encode(wrong).ids.length);
  });

  it("OpenRLHF /get_reward: rewards and scores in query order", async () => {
    const r = await post("/get_reward", { query: [wrong, right], prompts: ["Q: 41+27", "Q: 41+27"] });
    assert.deepEqual(r.json.rewards, [-2.5, 2.5]);
    assert.deepEqual(r.json.scores, r.json.rewards);
    assert.equal((await post("/get_reward", { query: 5 })).status, 400);
  });

  it("TEI /predict: single input -> predictions best first; batch -> list of lists; raw_scores gives logits", async () => {
    const single = await post("/predict", { inputs: right });
    assert.deepEqual(single.json.map((p: any) => p.label), ["good", "bad"]);
    const pair = await post("/predict", { inputs: ["Q: 41+27\n", "Step 1: 41+27=68\nAnswer: 68"] });
    assert.equal(pair.json[0].label, "good", "two strings are one pair");
    const batch = await post("/predict", { inputs: [[right], [wrong], ["Q: 41+27\n", "Answer: 68"]], raw_scores: true });
    assert.equal(batch.json.length, 3);
    assert.deepEqual(batch.json[1][0], { score: 1.25, label: "bad" });
    assert.equal((await post("/predict", { inputs: [["a", "b", "c"]] })).status, 400);
  });

  it("TEI /rerank: [{index, score}] sorted by score; return_text adds the text", async () => {
    const r = await post("/rerank", { query: "Q: 41+27\n", texts: ["Step 1: 41+27=69\nAnswer: 69", "Step 1: 41+27=68\nAnswer: 68"], return_text: true });
    assert.deepEqual(r.json.map((x: any) => x.index), [1, 0]);
    assert.equal(r.json[0].text, "Step 1: 41+27=68\nAnswer: 68");
  });
});

describe("test model server: SGLang /generate", () => {
  it("max_new_tokens 0 with logprob_start_len 0 returns every input token [logprob, id, text]; the first logprob is null", async () => {
    const r = await post("/generate", { text: "Q: 5+6\n", sampling_params: { max_new_tokens: 0, temperature: 0 }, return_logprob: true, logprob_start_len: 0, top_logprobs_num: 2, return_text_in_logprobs: true });
    assert.equal(r.status, 200);
    const m = r.json.meta_info;
    assert.equal(r.json.text, "");
    assert.equal(m.prompt_tokens, encode("Q: 5+6\n").ids.length);
    assert.equal(m.input_token_logprobs.length, m.prompt_tokens);
    assert.deepEqual(m.input_token_logprobs[0].slice(0, 1), [null]);
    assert.deepEqual(m.input_token_logprobs.map((e: any) => e[2]).join(""), "Q: 5+6\n");
    assert.equal(m.input_top_logprobs[0], null);
    assert.equal(m.input_top_logprobs[1].length, 2);
    assert.equal(m.completion_tokens, 0);
  });

  it("without return_text_in_logprobs token texts are null; logprob_start_len k skips k tokens; a list input gives a list", async () => {
    const r = await post("/generate", { text: ["Q: 5+6\n", "Q: 7+1\n"], sampling_params: { max_new_tokens: 0 }, return_logprob: true, logprob_start_len: 2 });
    assert.ok(Array.isArray(r.json) && r.json.length === 2);
    const m = r.json[0].meta_info;
    assert.equal(m.input_token_logprobs.length, m.prompt_tokens - 2);
    assert.ok(m.input_token_logprobs.every((e: any) => e[2] === null && typeof e[0] === "number"));
    const gen = await post("/generate", { text: "Q: 5+6\n", sampling_params: { max_new_tokens: 5, temperature: 0 }, return_logprob: true });
    assert.equal(gen.json.meta_info.completion_tokens, 5);
    assert.deepEqual(gen.json.meta_info.input_token_logprobs, []);
    assert.equal(gen.json.meta_info.output_token_logprobs.length, 5);
  });
});
