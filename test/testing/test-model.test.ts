import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { arithmeticProblems, checkSteps, decode, encode, loadTestModel, scoreText, startTestModelServer, type TestModelServer } from "../../src/testing/index.ts";

let server: TestModelServer;
before(async () => {
  server = await startTestModelServer();
});
after(() => server.close());

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url.replace(/\/v1$/, "")}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe("arithmetic problems and the step checker", () => {
  it("draws the same problems for the same seed, and never a held-out one in train", () => {
    const a = arithmeticProblems({ seed: 3, count: 50, split: "heldout" });
    assert.deepEqual(a, arithmeticProblems({ seed: 3, count: 50, split: "heldout" }));
    const train = new Set(arithmeticProblems({ seed: 3, count: 2000, split: "train" }).map((p) => p.prompt));
    assert.ok(a.every((p) => !train.has(p.prompt)));
    for (const p of a) assert.equal(checkSteps(p.prompt, p.solution).correct, true);
  });

  it("marks the first wrong step and keeps judging later steps locally", () => {
    const v = checkSteps("Q: 41+27-35+8\n", "Step 1: 41+27=68\nStep 2: 68-35=34\nStep 3: 34+8=42\nAnswer: 42");
    assert.deepEqual(v.steps.map((s) => s.correct), [true, false, true]);
    assert.equal(v.answer, "42");
    assert.equal(v.correct, false);
    const wrongOperand = checkSteps("Q: 41+27-35+8\n", "Step 1: 41+28=69\nAnswer: 69");
    assert.deepEqual(wrongOperand.steps.map((s) => s.correct), [false]);
  });
});

describe("the tokenizer", () => {
  it("has multi-character tokens with character offsets, and round-trips", () => {
    const text = "Q: 4+5\nStep 1: 4+5=9\nAnswer: 9";
    const enc = encode(text);
    assert.deepEqual(enc.pieces.slice(0, 5), ["Q: ", "4", "+", "5", "\n"]);
    assert.deepEqual(enc.offsets.slice(0, 6), [0, 3, 4, 5, 6, 7]);
    assert.equal(enc.pieces[5], "Step ");
    assert.equal(decode(enc.ids), text);
    assert.equal(encode("x").ids[0], 1);
  });
});

describe("the test model server", () => {
  it("lists the model", async () => {
    const res = await fetch(`${server.url}/models`);
    const json = (await res.json()) as any;
    assert.equal(json.data[0].id, "rewardsmith-testbed");
  });

  it("reproduces a generation for a fixed seed, and n samples differ", async () => {
    const body = { prompt: "Q: 41+27-35+8\n", max_tokens: 80, seed: 11, n: 8, temperature: 1 };
    const a = await post("/v1/completions", body);
    const b = await post("/v1/completions", body);
    assert.equal(a.status, 200);
    assert.deepEqual(a.json.choices.map((c: any) => c.text), b.json.choices.map((c: any) => c.text));
    assert.ok(new Set(a.json.choices.map((c: any) => c.text)).size > 1);
    assert.equal(a.json.usage.completion_tokens > 0, true);
  });

  it("a sampled token's logprob equals teacher-forced scoring of the same text", async () => {
    const prompt = "Q: 73-19+44\n";
    const gen = await post("/v1/completions", { prompt, max_tokens: 60, seed: 5, logprobs: 0 });
    const choice = gen.json.choices[0];
    const scored = await post("/v1/completions", { prompt: prompt + choice.text, max_tokens: 0, echo: true, logprobs: 0 });
    const lp = scored.json.choices[0].logprobs;
    const promptLen = scoreText(loadTestModel(), prompt, 0).tokens.length;
    const generatedText = choice.logprobs.token_logprobs.slice(0, lp.tokens.length - promptLen);
    assert.ok(generatedText.length > 3);
    generatedText.forEach((v: number, i: number) => assert.ok(Math.abs(v - lp.token_logprobs[promptLen + i]) < 1e-5));
    assert.equal(lp.token_logprobs[0], null);
    assert.equal(lp.text_offset[1], 3);
    assert.equal(lp.tokens[0], "Q: ");
    const odd = await post("/v1/completions", { prompt: "Q: é5+6\n", max_tokens: 0, echo: true, logprobs: 0 });
    assert.deepEqual(odd.json.choices[0].logprobs.tokens.slice(0, 3), ["Q: ", "<unk>", "5"]);
    assert.deepEqual(odd.json.choices[0].logprobs.text_offset.slice(0, 3), [0, 3, 4]);
  });

  it("returns vLLM-style prompt_logprobs keyed by token id", async () => {
    const r = await post("/v1/completions", { prompt: "Q: 5+6\n", max_tokens: 1, prompt_logprobs: 2 });
    const pl = r.json.choices[0].prompt_logprobs;
    assert.equal(pl[0], null);
    const entry = Object.values(pl[1]) as any[];
    assert.ok(entry.some((e) => e.decoded_token === "5"));
    assert.ok(entry.every((e) => e.logprob <= 0 && e.rank >= 1));
  });

  it("cuts the text before a stop string and reports it", async () => {
    const r = await post("/v1/completions", { prompt: "Q: 41+27-35+8\n", max_tokens: 60, seed: 1, stop: ["\n"] });
    const c = r.json.choices[0];
    assert.equal(c.finish_reason, "stop");
    assert.equal(c.stop_reason, "\n");
    assert.match(c.text, /^Step 1: [^\n]*$/);
    const kept = await post("/v1/completions", { prompt: "Q: 41+27-35+8\n", max_tokens: 60, seed: 1, stop: ["\n"], include_stop_str_in_output: true });
    assert.equal(kept.json.choices[0].text, `${c.text}\n`);
  });

  it("continues a partial assistant answer in chat", async () => {
    const messages = [
      { role: "user", content: "Q: 41+27-35" },
      { role: "assistant", content: "Step 1: 41+27=68\nStep 2: 68-" },
    ];
    const r = await post("/v1/chat/completions", { messages, continue_final_message: true, add_generation_prompt: false, seed: 2, max_tokens: 40, logprobs: true, top_logprobs: 2 });
    assert.equal(r.status, 200);
    const content = r.json.choices[0].message.content;
    assert.ok(content.startsWith("35="), content);
    const lp = r.json.choices[0].logprobs.content;
    assert.equal(lp[0].token, "3");
    assert.deepEqual(lp[0].bytes, [51]);
    assert.equal(lp[0].top_logprobs.length, 2);
    const both = await post("/v1/chat/completions", { messages, continue_final_message: true, add_generation_prompt: true });
    assert.equal(both.status, 400);
  });

  it("answers bad parameters with 400 and an error object", async () => {
    for (const body of [
      { prompt: "Q: 1+2\n", temperature: -1 },
      { prompt: "Q: 1+2\n", top_p: 0 },
      { prompt: "Q: 1+2\n", n: 0 },
      { prompt: "Q: 1+2\n", max_tokens: 500 },
      { prompt: "Q: 1+2\n", logprobs: 50 },
      { prompt: "" },
      { prompt: 5 },
    ]) {
      const r = await post("/v1/completions", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.type, "BadRequestError");
      assert.equal(r.json.error.code, 400);
    }
    const chat = await post("/v1/chat/completions", { messages: [{ role: "user", content: "Q: 1+2" }], top_logprobs: 2 });
    assert.equal(chat.status, 400);
    const model = await post("/v1/completions", { model: "gpt-9", prompt: "Q: 1+2\n" });
    assert.equal(model.status, 404);
  });

  it("scores steps on the pooling route", async () => {
    const r = await post("/pooling", { input: ["Q: 41+27-35\nStep 1: 41+27=68\nStep 2: 68-35=34\nAnswer: 34", "Q: 2+3\nStep 1: 2+3=5\nAnswer: 5"] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data[0].data, [[0, 1], [1, 0]]);
    assert.deepEqual(r.json.data[1].data, [[0, 1]]);
    assert.equal(r.json.data[1].object, "pooling");
    const bad = await post("/pooling", { input: 3 });
    assert.equal(bad.status, 400);
  });

  it("solves some held-out problems and fails others at temperature 1", async () => {
    const problems = arithmeticProblems({ seed: 21, count: 30, split: "heldout" });
    let solved = 0;
    for (const p of problems) {
      const r = await post("/v1/completions", { prompt: p.prompt, max_tokens: 100, seed: 1 });
      if (checkSteps(p.prompt, r.json.choices[0].text).correct) solved++;
    }
    assert.ok(solved > 0 && solved < problems.length, `solved ${solved}/30`);
  });
});
