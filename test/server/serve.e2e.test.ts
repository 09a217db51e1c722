import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli, writeFiles } from "../helpers.ts";
import { EXACT_SPEC, exactRecords, metricValue, postJson, type ServeProcess, startServe } from "./serve-helpers.ts";

describe("serve: endpoints", () => {
  let server: ServeProcess;
  before(async () => {
    const dir = writeFiles({
      "spec.yaml": "null_reward: -1\nrewards:\n  correct: {type: exact, from_tag: answer}\n  format: {type: tags, tags: [answer]}\ncombine: {type: gate, gates: {format: 1}}\n",
    });
    server = await startServe(["--spec", join(dir, "spec.yaml")]);
  });
  after(async () => assert.equal(await server.stop(), 0));

  test("GET /health and /ready describe a live, loaded server", async () => {
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const ready = await fetch(`${server.url}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready", rewards: ["correct", "format"], null_reward: -1, workers: 1 });
  });

  test("POST /v1/score returns one result per record, in order, with ids and components", async () => {
    const records = [
      { id: "a", completion: "<answer>4</answer>", reference: "4" },
      { id: "b", completion: "<answer>5</answer>", reference: "4" },
      { id: 7, completion: "no tags", reference: "4" },
      { completion: [{ role: "assistant", content: "<answer>4</answer>" }], reference: "4" },
    ];
    const r = await postJson(`${server.url}/v1/score`, { records });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.results.map((x: any) => [x.id, x.reward, x.status]), [["a", 1, "ok"], ["b", 0, "ok"], [7, 0, "ok"], [null, 1, "ok"]]);
    assert.deepEqual(Object.keys(r.json.results[0].components), ["correct", "format"]);
    const empty = await postJson(`${server.url}/v1/score`, { records: [] });
    assert.deepEqual(empty.json, { results: [] });
  });

  test("POST /v1/score with Accept: application/x-ndjson streams one indexed line per record", async () => {
    const records = Array.from({ length: 700 }, (_, i) => ({ id: i, completion: `<answer>${i % 3}</answer>`, reference: "0" }));
    const res = await fetch(`${server.url}/v1/score`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify({ records }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/x-ndjson/);
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 700);
    lines.forEach((l, i) => {
      assert.equal(l.index, i);
      assert.equal(l.id, i);
      assert.equal(l.reward, i % 3 === 0 ? 1 : 0);
    });
  });

  test("POST /get_reward speaks OpenRLHF: response = query minus prompt; non-ok gets null_reward and is counted", async () => {
    const r = await postJson(`${server.url}/get_reward`, {
      query: ["Q1 <answer>4</answer>", "Q2 <answer>5</answer>", "Q3 no tags", "something else <answer>4</answer>", "Q5 <answer>x</answer>"],
      prompts: ["Q1 ", "Q2 ", "Q3 ", "Q4 ", "<answer>x</answer>"],
      labels: ["4", "4", "4", "4", "x"],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.rewards, [1, 0, 0, -1, -1]);
    assert.deepEqual(r.json.scores, r.json.rewards);
    assert.deepEqual(r.json.extra_logs.status_ok, [1, 1, 1, 0, 0]);
    assert.deepEqual(r.json.extra_logs.status_unscorable, [0, 0, 0, 1, 1]);
    assert.deepEqual(r.json.extra_logs.prompt_not_prefix, [0, 0, 0, 1, 1]);
    assert.deepEqual(r.json.extra_logs.reward_correct, [1, 0, 0, -1, -1]);
    assert.deepEqual(r.json.extra_logs.reward_format, [1, 1, 0, -1, -1]);
    for (const values of Object.values(r.json.extra_logs) as number[][]) assert.ok(values.every((v) => typeof v === "number"));
  });

  test("POST /get_reward accepts newer OpenRLHF's metas and works without prompts or labels", async () => {
    const withMetas = await postJson(`${server.url}/get_reward`, { query: ["P<answer>4</answer>"], prompts: ["P"], labels: ["4"], metas: [{ source: "gsm8k" }] });
    assert.deepEqual(withMetas.json.rewards, [1]);
    const bare = await postJson(`${server.url}/get_reward`, { query: ["<answer>4</answer>"] });
    assert.equal(bare.status, 200);
    assert.deepEqual(bare.json.extra_logs.reward_correct, [-1], "no label: the exact reward cannot score it");
  });

  test("GET /metrics exposes requests, records, latency, per-reward statuses, in-flight and queue depth", async () => {
    await postJson(`${server.url}/v1/score`, { records: [{ completion: "<answer>1</answer>", reference: "1" }, { completion: "none", reference: "1" }] });
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const text = await res.text();
    assert.ok(metricValue(text, 'rewardsmith_http_requests_total{route="/v1/score",status="200"}')! >= 1);
    assert.ok(metricValue(text, 'rewardsmith_records_total{route="/v1/score",status="ok"}')! >= 2);
    assert.ok(metricValue(text, 'rewardsmith_reward_results_total{reward="format",status="ok"}')! >= 2);
    assert.ok(metricValue(text, 'rewardsmith_http_request_duration_seconds_count{route="/v1/score"}')! >= 1);
    assert.equal(metricValue(text, "rewardsmith_requests_in_flight"), 0);
    assert.equal(metricValue(text, "rewardsmith_queue_depth"), 0);
  });

  test("logs carry no completions by default", async () => {
    await postJson(`${server.url}/v1/score`, { records: [{ completion: "SECRET-COMPLETION", reference: "1" }] });
    await postJson(`${server.url}/v1/score`, '{"records": [{"completion": "SECRET-COMPLETION"');
    const { stdout, stderr } = server.output();
    assert.doesNotMatch(stdout + stderr, /SECRET-COMPLETION/);
  });
});

describe("serve: refusing bad requests with a clear status and message", () => {
  let server: ServeProcess;
  before(async () => {
    server = await startServe(["--spec", EXACT_SPEC, "--body-limit", "20000", "--max-records", "50"]);
  });
  after(async () => assert.equal(await server.stop(), 0));

  test("a body over --body-limit gets 413", async () => {
    const r = await postJson(`${server.url}/v1/score`, { records: [{ response: "x".repeat(30_000), answer: "x" }] });
    assert.equal(r.status, 413);
    assert.match(r.json.message, /20000 bytes, --body-limit/);
  });

  test("more records than --max-records gets 413", async () => {
    const r = await postJson(`${server.url}/v1/score`, { records: exactRecords(51) });
    assert.equal(r.status, 413);
    assert.match(r.json.message, /51 entries .*\(50, --max-records\)/);
  });

  test("malformed JSON, an empty body and a non-JSON content type are refused", async () => {
    const bad = await postJson(`${server.url}/v1/score`, '{"records": [');
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /^the body is not valid JSON/);
    const poisoned = await postJson(`${server.url}/v1/score`, '{"records": [{"completion": "4", "__proto__": {"x": 1}}]}');
    assert.equal(poisoned.status, 400);
    assert.match(poisoned.json.message, /"__proto__"/);
    const empty = await postJson(`${server.url}/v1/score`, "");
    assert.equal(empty.status, 400);
    const form = await fetch(`${server.url}/v1/score`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "records=1" });
    assert.equal(form.status, 415);
    assert.match(((await form.json()) as { message: string }).message, /Content-Type: application\/json/);
    const text = await fetch(`${server.url}/v1/score`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ records: [] }) });
    assert.equal(text.status, 415, "a JSON body sent as text/plain is told to use the JSON content type");
    assert.match(((await text.json()) as { message: string }).message, /Content-Type: application\/json/);
  });

  test("wrong types are named by field and record index", async () => {
    const notList = await postJson(`${server.url}/v1/score`, { records: "all of them" });
    assert.equal(notList.status, 400);
    assert.equal(notList.json.message, "records: expected a list of input records, found string");
    const missing = await postJson(`${server.url}/v1/score`, { record: [] });
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /unknown field "record"/);
    const records = [...exactRecords(2), { id: "x", response: 42, answer: "Paris" }, "text", { id: "y", answer: "Paris" }];
    const r = await postJson(`${server.url}/v1/score`, { records });
    assert.equal(r.status, 400);
    assert.equal(
      r.json.message,
      'records[2]: the completion (field "response") must be a string or a list of chat messages, found number; records[3]: a record must be a JSON object, found string; records[4]: missing the completion (field "response")',
    );
    const notObject = await postJson(`${server.url}/v1/score`, [1, 2]);
    assert.equal(notObject.status, 400);
    assert.match(notObject.json.message, /expected a JSON object .*found a list/);
  });

  test("/get_reward validates query, prompts, labels and metas", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ prompts: ["a"] }, /^query: missing/],
      [{ query: ["a", 3] }, /^query\[1\]: expected a string, found number$/],
      [{ query: ["a", "b"], prompts: ["a"] }, /^prompts: expected 2 entries \(one per query\), found 1$/],
      [{ query: ["a"], labels: "x" }, /^labels: expected a list of references, found string$/],
      [{ query: ["a"], metas: [3] }, /^metas\[0\]: expected an object or null, found number$/],
    ];
    for (const [body, message] of cases) {
      const r = await postJson(`${server.url}/get_reward`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.message, message);
    }
  });

  test("unknown routes get 404 and the server keeps serving", async () => {
    assert.equal((await fetch(`${server.url}/v2/score`, { method: "POST" })).status, 404);
    assert.equal((await postJson(`${server.url}/v1/score`, { records: exactRecords(2) })).status, 200);
  });
});

describe("serve: bearer-token auth", () => {
  let server: ServeProcess;
  before(async () => {
    server = await startServe(["--spec", EXACT_SPEC, "--token-env", "MY_RM_TOKEN"], { MY_RM_TOKEN: "s3cret-token" });
  });
  after(async () => assert.equal(await server.stop(), 0));

  test("the scoring endpoints need the token; health, ready and metrics do not", async () => {
    const body = { records: exactRecords(1) };
    const none = await postJson(`${server.url}/v1/score`, body);
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.match(none.json.message, /Authorization: Bearer/);
    assert.equal((await postJson(`${server.url}/v1/score`, body, { authorization: "Bearer wrong" })).status, 401);
    assert.equal((await postJson(`${server.url}/v1/score`, body, { authorization: "Bearer s3cret-token-longer" })).status, 401);
    assert.equal((await postJson(`${server.url}/v1/score`, body, { authorization: "Basic s3cret-token" })).status, 401);
    assert.equal((await postJson(`${server.url}/get_reward`, { query: ["x"] })).status, 401);
    assert.equal((await postJson(`${server.url}/v1/score`, body, { authorization: "Bearer s3cret-token" })).status, 200);
    assert.equal((await postJson(`${server.url}/get_reward`, { query: ["x"] }, { authorization: "bearer s3cret-token" })).status, 200);
    for (const path of ["/health", "/ready", "/metrics"]) assert.equal((await fetch(server.url + path)).status, 200, path);
  });

  test("an unauthorized request is refused before its body is read", async () => {
    const r = await postJson(`${server.url}/v1/score`, "{not json", {});
    assert.equal(r.status, 401);
  });
});

describe("serve: --log-records", () => {
  test("logs records and results only when asked", async () => {
    const server = await startServe(["--spec", EXACT_SPEC, "--log-records", "--log-level", "info"]);
    try {
      await postJson(`${server.url}/v1/score`, { records: [{ id: "x", response: "ASKED-TO-LOG", answer: "a" }] });
      await postJson(`${server.url}/v1/score`, { records: [{ id: "s", response: "STREAMED-TO-LOG", answer: "a" }] }, { accept: "application/x-ndjson" });
    } finally {
      assert.equal(await server.stop(), 0);
    }
    const line = server.output().stdout.split("\n").find((l) => l.includes("ASKED-TO-LOG"));
    assert.ok(line, "the record is logged");
    assert.equal(JSON.parse(line).results[0].id, "x");
    const streamed = server.output().stdout.split("\n").find((l) => l.includes("STREAMED-TO-LOG"));
    assert.ok(streamed, "a record whose results were streamed (NDJSON) is logged too");
    assert.equal(JSON.parse(streamed).results[0].id, "s");
  });
});

describe("serve: command line", () => {
  test("usage and spec errors exit 2 before listening", async () => {
    const noSpec = await runCli(["serve"]);
    assert.equal(noSpec.code, 2);
    assert.match(noSpec.stderr, /missing --spec/);
    const dir = writeFiles({ "bad.yaml": "rewards:\n  x: {type: nope}\n" });
    const bad = await runCli(["serve", "--spec", join(dir, "bad.yaml"), "--port", "0"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rewards\.x\.type: expected one of/);
    const port = await runCli(["serve", "--spec", EXACT_SPEC, "--port", "99999"]);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port expects 0\.\.65535/);
    const help = await runCli(["serve", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--token-env/);
  });
});

describe("serve: a spec that normalizes", () => {
  let server: ServeProcess;
  before(async () => {
    server = await startServe(["--spec", "examples/grpo.yaml"]);
  });
  after(async () => assert.equal(await server.stop(), 0));

  test("POST /v1/score writes group advantages over the request's records (JSON and NDJSON)", async () => {
    // verl GRPO: group q1 rewards [1, 0] -> mean 0.5, unbiased std 0.7071..., advantages ±0.7071 / (std + 1e-6)
    const records = [
      { id: "a", response: "<think>x</think><answer>4</answer>", answer: "4", group: "q1" },
      { id: "c", response: "<think>x</think><answer>4</answer>", answer: "4", group: "q2" },
      { id: "b", response: "<think>x</think><answer>5</answer>", answer: "4", group: "q1" },
    ];
    const expected = (1.2 - 0.7) / (Math.SQRT1_2 + 1e-6); // rewards 1.2 (correct + 0.2 format) and 0.2
    const r = await postJson(`${server.url}/v1/score`, { records });
    assert.equal(r.status, 200, r.text);
    const adv = r.json.results.map((x: any) => x.advantage);
    assert.ok(Math.abs(adv[0] - expected) < 1e-9 && Math.abs(adv[2] + expected) < 1e-9, JSON.stringify(adv));
    assert.ok(Math.abs(adv[1] - 1.2 / (1 + 1e-6)) < 1e-9); // verl: a group of one has mean 0, std 1
    const res = await fetch(`${server.url}/v1/score`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify({ records }),
    });
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.index, l.advantage]), r.json.results.map((x: any, i: number) => [i, x.advantage]));
  });
});

test("serve --workers 2 with a spec whose rewards cannot be built exits 2 with the reason, instead of hanging", { timeout: 60_000 }, async () => {
  const dir = writeFiles({ "spec.yaml": "rewards:\n  c: {type: code, language: python, python: /opt/python3}\n" });
  const r = await runCli(["serve", "--port", "0", "--workers", "2", "--spec", join(dir, "spec.yaml")]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the sandbox only sees \/usr/);
});

test("serve on a port in use says so in one line (exit 1), not with an 'unexpected failure' stack trace", { timeout: 60_000 }, async () => {
  const { createServer } = await import("node:net");
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    for (const workers of ["1", "2"]) {
      const r = await runCli(["serve", "--port", String(port), "--workers", workers, "--spec", EXACT_SPEC]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assert.doesNotMatch(r.stderr, /unexpected failure|    at /);
    }
  } finally {
    busy.close();
  }
});

test("POST /get_reward returns the spec's shaped reward (OpenRLHF computes the advantages itself)", { timeout: 60_000 }, async () => {
  const dir = writeFiles({
    "spec.yaml": "rewards:\n  correct: {type: exact, from_tag: answer}\nnormalize:\n  type: grpo\n  shaping: [{type: scale, factor: 2, offset: -1}]\n",
  });
  const server = await startServe(["--spec", join(dir, "spec.yaml")]);
  try {
    const r = await postJson(`${server.url}/get_reward`, {
      query: ["P<answer>4</answer>", "P<answer>5</answer>", "Q<answer>4</answer>"],
      prompts: ["P", "P", "X"],
      labels: ["4", "4", "4"],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.rewards, [1, -1, 0]); // 2·1 − 1, 2·0 − 1, and null_reward for the prompt that is not a prefix
    assert.deepEqual(r.json.extra_logs.reward_correct, [1, 0, 0]);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
