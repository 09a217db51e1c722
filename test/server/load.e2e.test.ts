import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { startFakeJudgeServer } from "../../src/testing/judge-server.ts";
import { writeFiles } from "../helpers.ts";
import { EXACT_SPEC, exactRecords, metricValue, postJson, startServe } from "./serve-helpers.ts";

const words = (n: number, seed: number) => Array.from({ length: n }, (_, i) => `w${(i * 7 + seed) % 50}`).join(" ");
/** A spec whose records take a noticeable time to score, so requests overlap. */
function f1Spec(): string {
  return join(writeFiles({ "f1.yaml": "rewards:\n  overlap: {type: f1}\n" }), "f1.yaml");
}
function f1Records(n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: i, completion: words(120, i), reference: words(120, i + 1) }));
}

test("overload: beyond --concurrency + --max-queue requests get 429 with Retry-After; admitted ones are complete", async () => {
  const server = await startServe(["--spec", f1Spec(), "--concurrency", "1", "--max-queue", "1", "--chunk-size", "16"]);
  try {
    const body = { records: f1Records(1500) };
    const replies = await Promise.all(Array.from({ length: 12 }, () => postJson(`${server.url}/v1/score`, body)));
    const statuses = replies.map((r) => r.status);
    assert.ok(statuses.every((s) => s === 200 || s === 429), String(statuses));
    assert.ok(statuses.includes(429), `expected some 429s, got ${statuses}`);
    assert.ok(statuses.includes(200), `expected some 200s, got ${statuses}`);
    for (const r of replies) {
      if (r.status === 429) {
        assert.equal(r.headers.get("retry-after"), "1");
        assert.match(r.json.message, /at capacity \(1 requests scoring, 1 queued\)/);
      } else {
        assert.equal(r.json.results.length, 1500);
        assert.ok(r.json.results.every((x: any, i: number) => x.id === i && x.status === "ok"));
      }
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.equal(metricValue(metrics, 'rewardsmith_http_requests_total{route="/v1/score",status="429"}'), statuses.filter((s) => s === 429).length);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("per-request timeout: records not scored in time come back as errors, one per record", async () => {
  const server = await startServe(["--spec", f1Spec(), "--timeout-ms", "1", "--chunk-size", "8"]);
  try {
    const r = await postJson(`${server.url}/v1/score`, { records: f1Records(3000) });
    assert.equal(r.status, 200);
    assert.equal(r.json.results.length, 3000);
    const late = r.json.results.filter((x: any) => x.status === "error");
    assert.ok(late.length > 0);
    assert.equal(late[0].reason, "not scored within the server's per-request timeout (1 ms)");
    assert.equal(late[0].reward, null);
    assert.deepEqual(r.json.results.map((x: any) => x.id), Array.from({ length: 3000 }, (_, i) => i));
    const rl = await postJson(`${server.url}/get_reward`, { query: Array(3000).fill("x y z") });
    assert.equal(rl.json.rewards.length, 3000);
    assert.ok(rl.json.extra_logs.status_error.some((v: number) => v === 1));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("SIGTERM during load: every accepted request is answered in full, then the process exits 0", async () => {
  const server = await startServe(["--spec", f1Spec(), "--concurrency", "1", "--chunk-size", "32", "--log-level", "info"]);
  const big = Array.from({ length: 6 }, () => postJson(`${server.url}/v1/score`, { records: f1Records(2000) }));
  let load = true;
  const small: number[] = [];
  const loops = Array.from({ length: 4 }, async () => {
    while (load) {
      try {
        small.push((await postJson(`${server.url}/v1/score`, { records: f1Records(1) })).status);
      } catch {
        return; // connection refused or closed: the server no longer accepts, which is the point
      }
    }
  });
  // Signal once several big requests are admitted (running or queued).
  let admitted = 0;
  for (let i = 0; i < 400 && admitted < 3; i++) {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    admitted = metricValue(text, "rewardsmith_requests_in_flight") ?? 0;
    if (admitted < 3) await new Promise((r) => setTimeout(r, 5));
  }
  server.child.kill("SIGTERM");
  assert.ok(admitted >= 3, "the signal arrived while requests were running and queued");
  const replies = await Promise.all(big);
  load = false;
  await Promise.all(loops);
  assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200, 200]);
  for (const r of replies) assert.equal(r.json.results.length, 2000);
  assert.ok(small.every((s) => s === 200 || s === 503), String(small));
  assert.equal(await server.exited, 0);
  assert.match(server.output().stdout, /shutting down: finishing accepted requests/);
});

test("--workers 2: cluster workers share the port, metrics cover every worker, SIGTERM stops them all", async () => {
  const server = await startServe(["--spec", EXACT_SPEC, "--workers", "2", "--log-level", "info"]);
  try {
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { workers: number };
    assert.equal(ready.workers, 2);
    const replies = await Promise.all(Array.from({ length: 40 }, () => postJson(`${server.url}/v1/score`, { records: exactRecords(3) })));
    assert.ok(replies.every((r) => r.status === 200 && r.json.results.length === 3));
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.equal(metricValue(text, 'rewardsmith_records_total{route="/v1/score",status="ok"}'), 120);
    const pids = new Set(server.output().stdout.split("\n").filter((l) => l.includes("Server listening")).map((l) => JSON.parse(l).pid));
    assert.equal(pids.size, 2, "two worker processes listen");
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("SIGTERM after a request timed out on a slow judge: the process exits 0 at once, not held by the judge call", async () => {
  const judge = await startFakeJudgeServer();
  judge.failAll({ delayMs: 8000 });
  const spec = join(writeFiles({ "judge.yaml": `rewards:\n  j: {type: judge, mode: pointwise, base_url: "${judge.url}", model: m, retries: 0, timeout_s: 30, cache: false}\n` }), "judge.yaml");
  const server = await startServe(["--spec", spec, "--timeout-ms", "200", "--shutdown-timeout-ms", "2000", "--log-level", "info"]);
  try {
    const r = await postJson(`${server.url}/v1/score`, { records: [{ completion: "Paris" }] });
    assert.equal(r.json.results[0].reason, "not scored within the server's per-request timeout (200 ms)");
    assert.equal(await server.stop(), 0, server.output().stdout);
    assert.match(server.output().stdout, /"msg":"stopped"/);
    assert.doesNotMatch(server.output().stdout, /shutdown took too long/);
  } finally {
    judge.failAll(undefined);
    await judge.close();
  }
});

test("a client that disconnects mid-stream stops the scoring of its request: no judge calls for nobody", async () => {
  const judge = await startFakeJudgeServer({ latencyMs: 50 });
  const spec = join(writeFiles({ "judge.yaml": `rewards:\n  j: {type: judge, mode: pointwise, base_url: "${judge.url}", model: m, retries: 0, cache: false}\n` }), "judge.yaml");
  const server = await startServe(["--spec", spec, "--chunk-size", "1"]);
  try {
    const records = Array.from({ length: 40 }, (_, i) => ({ id: i, completion: `answer ${i}` }));
    const abort = new AbortController();
    const res = await fetch(`${server.url}/v1/score`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify({ records }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^\{"index":0,/);
    abort.abort();
    let inFlight = 1;
    for (let i = 0; i < 400 && inFlight > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      inFlight = metricValue(await (await fetch(`${server.url}/metrics`)).text(), "rewardsmith_requests_in_flight") ?? 0;
    }
    assert.equal(inFlight, 0, "the request has finished");
    assert.ok(judge.requests.length < records.length, `${judge.requests.length} judge calls for ${records.length} records`);
  } finally {
    assert.equal(await server.stop(), 0);
    await judge.close();
  }
});

test("a /get_reward client that gives up stops the scoring of its request too", async () => {
  const judge = await startFakeJudgeServer({ latencyMs: 50 });
  const spec = join(writeFiles({ "judge.yaml": `rewards:\n  j: {type: judge, mode: pointwise, base_url: "${judge.url}", model: m, retries: 0, cache: false}\n` }), "judge.yaml");
  const server = await startServe(["--spec", spec, "--chunk-size", "1"]);
  try {
    const query = Array.from({ length: 40 }, (_, i) => `answer ${i}`);
    const abort = new AbortController();
    const sent = fetch(`${server.url}/get_reward`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }), signal: abort.signal });
    while (judge.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await assert.rejects(sent);
    let inFlight = 1;
    for (let i = 0; i < 400 && inFlight > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      inFlight = metricValue(await (await fetch(`${server.url}/metrics`)).text(), "rewardsmith_requests_in_flight") ?? 0;
    }
    assert.equal(inFlight, 0, "the request has finished");
    assert.ok(judge.requests.length < query.length, `${judge.requests.length} judge calls for ${query.length} queries`);
  } finally {
    assert.equal(await server.stop(), 0);
    await judge.close();
  }
});
