import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { generatorConfig, OpenAIGenerator } from "../../src/search/generator.ts";

interface Recorded {
  path: string;
  body: Record<string, unknown>;
}

/** A local OpenAI-compatible server that records requests and answers with `reply(body, path)`. */
async function recordingServer(reply: (body: Record<string, unknown>, path: string, n: number) => { status?: number; json: unknown; delayMs?: number }) {
  const requests: Recorded[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push({ path: req.url ?? "", body });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const r = reply(body, req.url ?? "", requests.length);
      const send = () => {
        inFlight--;
        res.writeHead(r.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(r.json));
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return { url, requests, maxInFlight: () => maxInFlight, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const completion = (text: string, finish = "stop", stop_reason: unknown = null) => ({
  choices: [{ index: 0, text, finish_reason: finish, stop_reason }],
  usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
});
const chat = (content: string, finish = "stop", stop_reason?: unknown) => ({
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish, ...(stop_reason === undefined ? {} : { stop_reason }) }],
  usage: { prompt_tokens: 20, completion_tokens: 6, total_tokens: 26 },
});

test("chat mode: a partial answer is continued with continue_final_message, not a new turn", async () => {
  const s = await recordingServer(() => ({ json: chat("Step 2: 68-35=33", "stop", "\n") }));
  try {
    const g = new OpenAIGenerator(generatorConfig({ base_url: s.url, model: "m", mode: "chat", temperature: 0.7, max_tokens: 32 }));
    const out = await g.generate({ prompt: [{ role: "system", content: "be brief" }, { role: "user", content: "Q: 41+27-35" }], prefix: "Step 1: 41+27=68\n", stop: ["\n"], seed: 5 });
    assert.deepEqual(out, { text: "Step 2: 68-35=33", finish: "stop", promptTokens: 20, completionTokens: 6 });
    const [r] = s.requests;
    assert.equal(r.path, "/v1/chat/completions");
    assert.deepEqual(r.body.messages, [
      { role: "system", content: "be brief" },
      { role: "user", content: "Q: 41+27-35" },
      { role: "assistant", content: "Step 1: 41+27=68\n" },
    ]);
    assert.equal(r.body.continue_final_message, true);
    assert.equal(r.body.add_generation_prompt, false);
    assert.deepEqual(r.body.stop, ["\n"]);
    assert.equal(r.body.seed, 5);
    assert.equal(r.body.model, "m");
    assert.equal(r.body.temperature, 0.7);
    assert.equal(r.body.max_tokens, 32);
    assert.equal(r.body.n, undefined);
    // A fresh sample is an ordinary chat request.
    await g.generate({ prompt: "Q: 1+1", prefix: "" });
    assert.deepEqual(s.requests[1].body.messages, [{ role: "user", content: "Q: 1+1" }]);
    assert.equal(s.requests[1].body.continue_final_message, undefined);
    assert.equal(s.requests[1].body.stop, undefined);
  } finally {
    await s.close();
  }
});

test("completions mode (and auto for a text prompt): the raw prompt plus the partial answer", async () => {
  const s = await recordingServer(() => ({ json: completion("35=33") }));
  try {
    for (const mode of ["completions", "auto"]) {
      const g = new OpenAIGenerator(generatorConfig({ base_url: s.url, mode, extra_body: { top_k: 5 } }));
      const out = await g.generate({ prompt: "Q: 41+27-35\n", prefix: "Step 1: 41+27=68\nStep 2: 68-", stop: ["\n"] });
      assert.equal(out.text, "35=33");
      assert.equal(out.finish, "eos");
      const r = s.requests[s.requests.length - 1];
      assert.equal(r.path, "/v1/completions");
      assert.equal(r.body.prompt, "Q: 41+27-35\nStep 1: 41+27=68\nStep 2: 68-");
      assert.equal(r.body.top_k, 5);
      assert.equal(r.body.messages, undefined);
    }
    // auto sends message prompts to chat.
    const g = new OpenAIGenerator(generatorConfig({ base_url: s.url }));
    await g.generate({ prompt: [{ role: "user", content: "hi" }], prefix: "" }).catch(() => undefined);
    assert.equal(s.requests[s.requests.length - 1].path, "/v1/chat/completions");
  } finally {
    await s.close();
  }
});

test("finish: a reported stop string ends a step, end of text or null ends the answer, max_tokens is length", async () => {
  const replies = [completion("a", "stop", "\n\n"), completion("b", "stop", null), completion("c", "length", null), completion("d", "stop", 2), chat("e", "stop"), chat("f", "stop")];
  const s = await recordingServer((_b, _p, n) => ({ json: replies[n - 1] }));
  try {
    const g = new OpenAIGenerator(generatorConfig({ base_url: s.url }));
    const step = { prompt: "Q", prefix: "", stop: ["\n\n"] };
    assert.equal((await g.generate(step)).finish, "stop");
    assert.equal((await g.generate(step)).finish, "eos");
    assert.equal((await g.generate(step)).finish, "length");
    assert.equal((await g.generate(step)).finish, "eos");
    const chatG = new OpenAIGenerator(generatorConfig({ base_url: s.url, mode: "chat" }));
    // A server that does not say which stop ended it (OpenAI, Ollama): "stop" after stop strings were sent is a step.
    assert.equal((await chatG.generate({ ...step })).finish, "stop");
    assert.equal((await chatG.generate({ prompt: "Q", prefix: "" })).finish, "eos");
  } finally {
    await s.close();
  }
});

test("the shared client: retries a 5xx, reports a body without text as an error, bounds concurrency at max_concurrency", async () => {
  let calls = 0;
  const s = await recordingServer((body) => {
    calls++;
    if (body.prompt === "flaky" && calls === 1) return { status: 503, json: { error: { message: "loading" } } };
    if (body.prompt === "empty") return { json: { choices: [] } };
    return { json: completion("ok"), delayMs: body.prompt === "slow" ? 20 : 0 };
  });
  try {
    const g = new OpenAIGenerator(generatorConfig({ base_url: s.url, retries: 1, backoff_s: 0.001, max_concurrency: 3 }));
    assert.equal((await g.generate({ prompt: "flaky", prefix: "" })).text, "ok");
    assert.equal(g.http.stats.retries, 1);
    await assert.rejects(g.generate({ prompt: "empty", prefix: "" }), /generator request .* failed.*no choices\[0\]\.text/);
    await Promise.all(Array.from({ length: 10 }, () => g.generate({ prompt: "slow", prefix: "" })));
    assert.equal(s.maxInFlight(), 3);
    assert.equal(g.http.stats.maxInFlight, 3);
  } finally {
    await s.close();
  }
});

test("generator config: defaults, and bad values are refused", () => {
  const c = generatorConfig({ base_url: "http://127.0.0.1:8000/v1" });
  assert.equal(c.mode, "auto");
  assert.equal(c.max_concurrency, 8);
  assert.throws(() => generatorConfig({ base_url: "ftp://x" }));
  assert.throws(() => generatorConfig({ base_url: "http://x/v1", mode: "stream" }));
  assert.throws(() => generatorConfig({ base_url: "http://x/v1", cache: true }));
});

test("generator: a partial answer plus max_tokens over the model's context is asked again for what fits (both vLLM messages)", async () => {
  const server = await recordingServer((body, _path, n) => {
    if (n === 1) return { status: 400, json: { error: { message: "This model's maximum context length is 128 tokens. However, you requested 139 tokens (59 in the prompt, 80 in the completion).", code: 400 } } };
    if (n === 3) return { status: 400, json: { error: { message: "'max_tokens' or 'max_completion_tokens' is too large: 80. This model's maximum context length is 128 tokens and your request has 100 input tokens (80 > 128 - 100).", code: 400 } } };
    return { json: completion("x", "length") };
  });
  try {
    const gen = new OpenAIGenerator(generatorConfig({ base_url: server.url, max_tokens: 80, retries: 0 }));
    const first = await gen.generate({ prompt: "Q: 1+2\n", prefix: "Step 1: " });
    assert.equal(first.finish, "length");
    assert.deepEqual(server.requests.map((r) => r.body.max_tokens), [80, 69]);
    await gen.generate({ prompt: "Q: 1+2\n", prefix: "Step 1: " });
    assert.deepEqual(server.requests.map((r) => r.body.max_tokens), [80, 69, 80, 28]);
    // A 400 that names no context length is this request's error, asked once.
    const other = await recordingServer(() => ({ status: 400, json: { error: { message: "unknown field" } } }));
    try {
      const g = new OpenAIGenerator(generatorConfig({ base_url: other.url, max_tokens: 80, retries: 0 }));
      await assert.rejects(g.generate({ prompt: "p", prefix: "" }), /HTTP 400: unknown field/);
      assert.equal(other.requests.length, 1);
    } finally {
      await other.close();
    }
  } finally {
    await server.close();
  }
});
