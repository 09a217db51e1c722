import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startFakeJudgeServer, type FakeJudgeServer } from "../../src/testing/judge-server.ts";
import { freePort, startTestRedis, type TestRedis } from "../../src/testing/redis.ts";
import { runCli, tempDir } from "../helpers.ts";
import { runState, spawnCli, until, type CliProcess } from "./helpers.ts";

let redis: TestRedis;
let judge: FakeJudgeServer;
let dir: string;
let spec: string;
let input: string;
let reference: string;
const RECORDS = 48;

before(async () => {
  redis = await startTestRedis();
  // A judge whose verdict depends on the record, so that a record landing on the wrong line shows.
  judge = await startFakeJudgeServer({ latencyMs: 400, judge: (req) => ({ reason: "ok", score: (req.user.length % 10) + 1 }) });
  dir = tempDir();
  spec = join(dir, "judge.yaml");
  writeFileSync(spec, `rewards:\n  j: {type: judge, mode: pointwise, base_url: "${judge.url}", model: fake, cache: false, retries: 0, max_concurrency: 8}\nnormalize: {type: grpo}\n`);
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) lines.push(JSON.stringify({ id: i, group: Math.floor(i / 4), prompt: `question ${i}`, completion: "x".repeat(i) }));
  lines.splice(10, 0, "this line is not JSON");
  input = join(dir, "in.jsonl");
  writeFileSync(input, lines.join("\n") + "\n");
  const r = await runCli(["score", "--quiet", "--no-record", "--spec", spec, input, "--out", join(dir, "reference.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  reference = readFileSync(join(dir, "reference.jsonl"), "utf8");
  assert.equal(reference.split("\n").length - 1, RECORDS + 1);
});

after(async () => {
  await judge?.close();
  await redis?.close();
});

const worker = (extra: string[] = []) => spawnCli(["worker", "--queue", redis.url, "--spec", spec, ...extra]);
const done = (workers: CliProcess[]) => workers.flatMap((w) => [...w.stderr().matchAll(/chunk (\d+) done/g)].map((m) => Number(m[1])));

test("queue: 3 workers, one SIGKILLed mid-chunk: the output is complete, in order, and identical to a single-process run", async () => {
  const out = join(dir, "killed.jsonl");
  const workers = [worker(["--lock-duration", "1000"]), worker(["--lock-duration", "1000"]), worker(["--lock-duration", "1000"])];
  try {
    await Promise.all(workers.map((w) => w.waitFor(/ready: queue/)));
    const coordinator = spawnCli(["score", "--no-record", "--queue", redis.url, "--spec", spec, input, "--out", out, "--chunk-size", "4"]);
    // The judge answers after 400 ms: a worker that has just started a chunk is in the middle of it.
    const victim = await Promise.race(workers.map((w, i) => w.waitFor(/chunk (\d+) started/).then((m) => ({ i, chunk: Number(m[1]) }))));
    await workers[victim.i].kill("SIGKILL");
    assert.doesNotMatch(workers[victim.i].stderr(), new RegExp(`chunk ${victim.chunk} done`), "the worker was killed before it finished its chunk");
    assert.equal(await coordinator.exited, 0, coordinator.stderr());
    assert.equal(readFileSync(out, "utf8"), reference);
    // The killed worker's chunk was taken over by a survivor.
    const survivors = workers.filter((_, i) => i !== victim.i);
    assert.ok(done(survivors).includes(victim.chunk), `chunk ${victim.chunk} was finished by another worker`);
    assert.match(coordinator.stderr(), /scored 49 records/);
    assert.equal(existsSync(`${out}.partial`), false);
    assert.equal(existsSync(`${out}.partial.json`), false);
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
  }
});

test("queue: the coordinator killed mid-run, the same command again continues; no chunk is scored twice", async () => {
  const out = join(dir, "resumed.jsonl");
  const requestsBefore = judge.requests.length;
  const workers = [worker(), worker()];
  try {
    await Promise.all(workers.map((w) => w.waitFor(/ready: queue/)));
    const args = ["score", "--no-record", "--queue", redis.url, "--spec", spec, input, "--out", out, "--chunk-size", "2"];
    const first = spawnCli(args);
    await until(() => ((runState(out)?.chunks ?? 0) >= 3 ? true : undefined), "three chunks written");
    await first.kill("SIGKILL");
    assert.equal(existsSync(out), false, "no output before all chunks are in");
    const second = spawnCli(args);
    assert.equal(await second.exited, 0, second.stderr());
    assert.match(second.stderr(), /written before the restart/);
    assert.equal(readFileSync(out, "utf8"), reference);
    const chunks = done(workers).sort((a, b) => a - b);
    const expected = Array.from({ length: chunks.length }, (_, i) => i);
    assert.deepEqual(chunks, expected, "every chunk scored exactly once");
    assert.ok(chunks.length >= RECORDS / 4, "groups of 4 keep chunks of 2 lines at 4");
    // One judge request per record, none repeated (record 0's empty completion is scored 0 by the judge's guard, unasked).
    assert.equal(judge.requests.length - requestsBefore, RECORDS - 1);
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
  }
});

test("queue: usage errors are refused before anything is queued", async () => {
  const r1 = await runCli(["score", "--queue", redis.url, "--spec", spec, "-"], { input: "{}\n" });
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /needs an input file/);
  const r2 = await runCli(["score", "--queue", redis.url, "--spec", spec, input]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /needs --out/);
  const r3 = await runCli(["score", "--queue", "http://x", "--spec", spec, input, "--out", join(dir, "x.jsonl")]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /redis:\/\//);
  const r4 = await runCli(["worker", "--spec", spec]);
  assert.equal(r4.code, 2);
  assert.match(r4.stderr, /missing --queue/);
  // No Redis there: one line and exit 1 at once, instead of retrying forever; nothing written.
  const nobody = `redis://127.0.0.1:${await freePort()}/0`;
  const r5 = await runCli(["worker", "--queue", nobody, "--spec", spec]);
  assert.equal(r5.code, 1);
  assert.match(r5.stderr, /cannot reach the queue's Redis at .*ECONNREFUSED/);
  const out = join(dir, "never.jsonl");
  const r6 = await runCli(["score", "--queue", nobody, "--spec", spec, input, "--out", out]);
  assert.equal(r6.code, 1);
  assert.match(r6.stderr, /cannot reach the queue's Redis/);
  assert.equal(existsSync(`${out}.partial`), false);
});
