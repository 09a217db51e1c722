import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ChatClient } from "../../src/rewards/shared/http/client.ts";
import { clientConfig } from "../../src/rewards/shared/http/endpoint.ts";
import { ModelEndpoint } from "../../src/rewards/shared/http/model-endpoint.ts";
import { startFakeJudgeServer } from "../../src/testing/judge-server.ts";
import { startTestRedis, type TestRedis } from "../../src/testing/redis.ts";
import { ROOT, runCli, tempDir } from "../helpers.ts";
import { spawnCli } from "./helpers.ts";

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(() => redis?.close());

const judgeSpec = (url: string, extra: string) => `rewards:\n  j: {type: judge, mode: pointwise, base_url: "${url}", model: fake, retries: 0, ${extra}}\n`;

test("shared cache: a reply cached by one serve process is a hit in another (cache: redis://)", async () => {
  const judge = await startFakeJudgeServer({ judge: (req) => ({ reason: "fine", score: (req.user.length % 10) + 1 }) });
  const dir = tempDir();
  const spec = join(dir, "s.yaml");
  writeFileSync(spec, judgeSpec(judge.url, `cache: "${redis.url}"`));
  const servers = [spawnCli(["serve", "--spec", spec, "--port", "0", "--log-level", "warn"]), spawnCli(["serve", "--spec", spec, "--port", "0", "--log-level", "warn"])];
  try {
    const urls = await Promise.all(servers.map(async (s) => (await s.waitFor(/listening on (http:\/\/\S+)/))[1]));
    const post = async (url: string) => {
      const r = await fetch(`${url}/v1/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ prompt: "2+2?", completion: "4, because two and two make four" }] }) });
      assert.equal(r.status, 200);
      return ((await r.json()) as { results: Array<{ reward: number; status: string }> }).results[0];
    };
    const first = await post(urls[0]);
    assert.equal(first.status, "ok");
    assert.equal(judge.requests.length, 1);
    const second = await post(urls[1]);
    assert.deepEqual(second, first);
    assert.equal(judge.requests.length, 1, "the second replica answered from the shared cache");
  } finally {
    await Promise.all(servers.map((s) => s.kill()));
    await judge.close();
  }
});

test("global limit: 3 processes against one endpoint hold requests_per_s together (within 10%)", async (t) => {
  const RATE = 20;
  const arrivals: Array<{ at: number; who: string }> = [];
  const judge = await startFakeJudgeServer({
    judge: (req) => {
      arrivals.push({ at: performance.now(), who: req.user.match(/proc(\d)/)?.[1] ?? "?" });
      return { reason: "ok", score: 5 };
    },
  });
  const dir = tempDir();
  const spec = join(dir, "s.yaml");
  writeFileSync(spec, judgeSpec(judge.url, `cache: false, max_concurrency: 8, global: {redis: "${redis.url}", requests_per_s: ${RATE}}`));
  const PER = 30;
  try {
    const runs = [0, 1, 2].map((p) => {
      const input = join(dir, `in${p}.jsonl`);
      writeFileSync(input, Array.from({ length: PER }, (_, i) => JSON.stringify({ id: i, prompt: `proc${p} question ${i}`, completion: `answer ${i}` })).join("\n") + "\n");
      return runCli(["score", "--quiet", "--no-record", "--spec", spec, input]);
    });
    for (const r of await Promise.all(runs)) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim().split("\n").length, PER);
    }
    assert.equal(arrivals.length, 3 * PER);
    // The three processes really ran at the same time: each one's requests span the others'.
    const span = (who: string) => {
      const t = arrivals.filter((a) => a.who === who).map((a) => a.at);
      return [Math.min(...t), Math.max(...t)];
    };
    const spans = ["0", "1", "2"].map(span);
    const overlapStart = Math.max(...spans.map((s) => s[0]));
    const overlapEnd = Math.min(...spans.map((s) => s[1]));
    assert.ok(overlapEnd > overlapStart, "the processes overlap");
    const at = arrivals.map((a) => a.at).sort((a, b) => a - b);
    // Over the arrivals after the first and before the last few: a process's first request also
    // pays for its connection and warm-up, which would stretch or shrink the window's edges.
    const from = 5;
    const to = at.length - 6;
    const rate = (to - from) / ((at[to] - at[from]) / 1000);
    t.diagnostic(`measured ${rate.toFixed(2)} requests/s for a global limit of ${RATE}`);
    assert.ok(rate <= RATE * 1.1 && rate >= RATE * 0.9, `measured ${rate.toFixed(1)} requests/s for a global limit of ${RATE}`);
  } finally {
    await judge.close();
  }
});

const connection = (url: string, global: Record<string, unknown>) => ({
  base_url: url,
  timeout_s: 10,
  retries: 0,
  backoff_s: 0.01,
  max_concurrency: 16,
  breaker: { failures: 2, cooldown_s: 60 },
  cache: false,
  global: { redis: redis.url, burst: 1, breaker: true, ...global },
});

test("global concurrency: two clients (as two processes) never exceed max_concurrency together", async () => {
  const judge = await startFakeJudgeServer({ latencyMs: 60 });
  const a = new ChatClient(clientConfig(connection(judge.url, { max_concurrency: 3, key: "conc-test" }), undefined));
  const b = new ChatClient(clientConfig(connection(judge.url, { max_concurrency: 3, key: "conc-test" }), undefined));
  try {
    const body = { model: "m", messages: [{ role: "user", content: "Rate it. score" }] };
    await Promise.all([...Array.from({ length: 8 }, () => a.complete(body)), ...Array.from({ length: 8 }, () => b.complete(body))]);
    assert.equal(judge.requests.length, 16);
    assert.equal(judge.maxInFlight, 3);
  } finally {
    await a.close();
    await b.close();
    await judge.close();
  }
});

test("shared breaker: failures seen by one process open the circuit for another, which then calls nobody", async () => {
  const judge = await startFakeJudgeServer();
  judge.failAll({ status: 500, message: "down" });
  const a = new ChatClient(clientConfig(connection(judge.url, { key: "breaker-test" }), undefined));
  const b = new ChatClient(clientConfig(connection(judge.url, { key: "breaker-test" }), undefined));
  try {
    const body = { model: "m", messages: [{ role: "user", content: "score" }] };
    for (let i = 0; i < 2; i++) await assert.rejects(a.complete(body), /HTTP 500/);
    const seen = judge.requests.length;
    await assert.rejects(b.complete(body), /circuit open \(shared\) after 2 consecutive failed requests \(last: HTTP 500/);
    assert.equal(judge.requests.length, seen, "the open circuit sent nothing");
  } finally {
    await a.close();
    await b.close();
    await judge.close();
  }
});

test("shared cache: reward-model replies (ModelEndpoint) go to Redis too, and a second endpoint object hits them", async () => {
  const o = { ...connection("http://127.0.0.1:9/v1", {}), cache: redis.url, global: undefined };
  const sent: number[][] = [];
  const send = async (batch: number[]) => {
    sent.push(batch);
    return batch.map((x) => ({ score: x * 2 }));
  };
  const first = new ModelEndpoint(o, { specDir: ROOT });
  const a = await first.batched([1, 2, 3], 2, (x) => `item ${x}`, send);
  await first.close();
  const second = new ModelEndpoint(o, { specDir: ROOT });
  const b = await second.batched([3, 2, 1], 2, (x) => `item ${x}`, send);
  await second.close();
  assert.deepEqual(a, [{ value: { score: 2 } }, { value: { score: 4 } }, { value: { score: 6 } }]);
  assert.deepEqual(b, [{ value: { score: 6 } }, { value: { score: 4 } }, { value: { score: 2 } }]);
  assert.deepEqual(sent, [[1, 2], [3]], "the second endpoint sent nothing");
  assert.equal(second.cacheHits, 3);
});
