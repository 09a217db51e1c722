import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { ChatClient } from "../../../src/rewards/shared/http/client.ts";
import { startFakeJudgeServer } from "../../../src/testing/judge-server.ts";
import { judgeSpec, run } from "./helpers.ts";

const record = { prompt: "Capital of France?", completion: "Paris" };

test("retries: 500 and malformed JSON are retried, then the verdict is used", async () => {
  const server = await startFakeJudgeServer();
  try {
    server.fail({ status: 500 }, { malformed: true }, { status: 503 });
    const { out, summary } = await run(judgeSpec(server.url, { mode: "pointwise", retries: 3 }), [record]);
    assert.equal(out[0].status, "ok");
    assert.equal(server.requests.length, 4);
    assert.equal(summary["judge.retries"], 3);
    assert.equal(summary["judge.requests"], 4);
  } finally {
    await server.close();
  }
});

test("retries: a 429 waits at least its Retry-After", async () => {
  const server = await startFakeJudgeServer();
  try {
    server.fail({ status: 429, retryAfter: 0.3 });
    const started = performance.now();
    const { out } = await run(judgeSpec(server.url, { mode: "pointwise", retries: 1, backoff_s: 0.001 }), [record]);
    assert.equal(out[0].status, "ok");
    assert.ok(performance.now() - started >= 290, "the Retry-After delay was honoured");
  } finally {
    await server.close();
  }
});

test("retries: a request that times out is retried; when retries run out the record is an error with the cause", async () => {
  const server = await startFakeJudgeServer();
  try {
    server.fail({ delayMs: 600 });
    const ok = await run(judgeSpec(server.url, { mode: "pointwise", retries: 1, timeout_s: 0.2 }), [record]);
    assert.equal(ok.out[0].status, "ok");
    server.fail({ status: 500, message: "GPU on fire" }, { status: 500, message: "GPU on fire" });
    const bad = await run(judgeSpec(server.url, { mode: "pointwise", retries: 1 }), [record]);
    assert.equal(bad.out[0].status, "error");
    assert.equal(bad.out[0].reward, null);
    assert.match(bad.out[0].reason!, /failed \(after 1 retries\): HTTP 500: GPU on fire/);
    server.fail({ delayMs: 600 });
    const slow = await run(judgeSpec(server.url, { mode: "pointwise", timeout_s: 0.2 }), [record]);
    assert.match(slow.out[0].reason!, /timed out after 0.2 s/);
  } finally {
    await server.close();
  }
});

test("a 400 is not retried; unparseable text is an error quoting the reply", async () => {
  const server = await startFakeJudgeServer();
  try {
    server.fail({ status: 400, message: "model not found" });
    const bad = await run(judgeSpec(server.url, { mode: "pointwise", retries: 3 }), [record]);
    assert.equal(server.requests.length, 1);
    assert.match(bad.out[0].reason!, /HTTP 400: model not found/);
    assert.doesNotMatch(bad.out[0].reason!, /retries/, "the reason does not claim retries that were never made");
    server.fail({ text: "As an AI, I cannot rate this." });
    const text = await run(judgeSpec(server.url, { mode: "pointwise" }), [record]);
    assert.equal(text.out[0].status, "error");
    assert.match(text.out[0].reason!, /unparseable judge verdict \(expected a score from 1 to 10\): "As an AI, I cannot rate this\."/);
    server.fail({ text: '{"reason": "A score: 9 would be too generous since the', finishReason: "length" });
    const cut = await run(judgeSpec(server.url, { mode: "pointwise", max_tokens: 16 }), [record]);
    assert.equal(cut.out[0].status, "error", "no verdict is read from the reasoning of a reply cut off at max_tokens");
    assert.match(cut.out[0].reason!, /cut off at max_tokens \(16\) before it finished: "\{"reason": "A score: 9/);
  } finally {
    await server.close();
  }
});

test("structured output: a server that rejects response_format gets plain-text requests, parsed by the fallback", async () => {
  const server = await startFakeJudgeServer({ rejectResponseFormat: true });
  try {
    const { out } = await run(judgeSpec(server.url, { mode: "reference" }), [
      { ...record, reference: "Paris" },
      { ...record, reference: "Paris" },
    ]);
    assert.deepEqual(out.map((o) => o.reward), [1, 1]);
    const plain = server.requests.filter((r) => r.response_format === undefined).length;
    assert.ok(plain >= 2 && server.requests.length <= 4, `${server.requests.length} requests`);
  } finally {
    await server.close();
  }
});

test("api_key_env: the key is sent as a bearer token", async () => {
  const server = await startFakeJudgeServer({ apiKey: "sekrit" });
  process.env.REWARDSMITH_TEST_JUDGE_KEY = "sekrit";
  try {
    const good = await run(judgeSpec(server.url, { mode: "pointwise", api_key_env: "REWARDSMITH_TEST_JUDGE_KEY" }), [record]);
    assert.equal(good.out[0].status, "ok");
    const anonymous = await run(judgeSpec(server.url, { mode: "pointwise" }), [record]);
    assert.match(anonymous.out[0].reason!, /HTTP 401: invalid api key/);
  } finally {
    delete process.env.REWARDSMITH_TEST_JUDGE_KEY;
    await server.close();
  }
});

test("circuit breaker: a dead endpoint fails fast with a clear reason, never a silent 0", async () => {
  const server = await startFakeJudgeServer();
  try {
    server.failAll({ status: 502 });
    const records = Array.from({ length: 20 }, (_, i) => ({ ...record, id: i }));
    const spec = judgeSpec(server.url, { mode: "pointwise", max_concurrency: 1, retries: 1, breaker: { failures: 3, cooldown_s: 60 } });
    const { out, summary } = await run(spec, records);
    assert.ok(out.every((o) => o.status === "error" && o.reward === null));
    assert.equal(server.requests.length, 6, "3 failed requests (with one retry each), then nothing reaches the server");
    assert.match(out[19].reason!, /unavailable: circuit open after 3 consecutive failed requests \(last: HTTP 502/);
    assert.equal(summary["judge.failed_requests"], 20);
  } finally {
    await server.close();
  }
});

test("circuit breaker: requests the server refuses (4xx) fail alone and never open the circuit for the others", async () => {
  const server = await startFakeJudgeServer();
  try {
    server.failAll({ status: 400, message: "prompt too long" });
    const records = Array.from({ length: 6 }, (_, i) => ({ ...record, id: i }));
    const spec = judgeSpec(server.url, { mode: "pointwise", max_concurrency: 1, retries: 2, breaker: { failures: 2, cooldown_s: 60 } });
    const { out } = await run(spec, records);
    assert.equal(server.requests.length, 6, "one request per record: a 400 is not retried and does not trip the breaker");
    assert.ok(out.every((o) => o.status === "error" && /HTTP 400: prompt too long/.test(o.reason!) && !/circuit open/.test(o.reason!)));
  } finally {
    await server.close();
  }
});

test("circuit breaker: after the cooldown one trial request goes through and closes the circuit", async () => {
  const server = await startFakeJudgeServer();
  try {
    const client = new ChatClient({ baseUrl: server.url, timeoutMs: 1000, retries: 0, backoffMs: 1, maxConcurrency: 2, breakerFailures: 2, breakerCooldownMs: 150 });
    const body = { model: "m", messages: [{ role: "user", content: 'Reply {"score": n}' }] };
    server.failAll({ status: 500 });
    await assert.rejects(client.complete(body), /HTTP 500/);
    await assert.rejects(client.complete(body), /HTTP 500/);
    await assert.rejects(client.complete(body), /circuit open/);
    server.failAll(undefined);
    await new Promise((r) => setTimeout(r, 200));
    const reply = await client.complete(body);
    assert.match(reply.text, /Score: 10/);
    await client.complete(body);
    assert.equal(server.requests.length, 4);
  } finally {
    await server.close();
  }
});

test("an endpoint that refuses connections is reported as unreachable", async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const { out } = await run(judgeSpec(`http://127.0.0.1:${port}/v1`, { mode: "pointwise" }), [record]);
  assert.equal(out[0].status, "error");
  assert.match(out[0].reason!, /cannot reach the endpoint: ECONNREFUSED/);
});

test("max_concurrency bounds the requests in flight and is reached", async () => {
  const server = await startFakeJudgeServer({ latencyMs: 20 });
  try {
    const records = Array.from({ length: 24 }, (_, i) => ({ ...record, completion: `answer ${i}` }));
    const { summary } = await run(judgeSpec(server.url, { mode: "pointwise", max_concurrency: 4 }), records);
    assert.equal(server.maxInFlight, 4);
    assert.equal(summary["judge.max_in_flight"], 4);
  } finally {
    await server.close();
  }
});
