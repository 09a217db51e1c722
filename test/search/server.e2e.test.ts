import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { arithmeticProblems, startTestModelServer, type TestModelServer } from "../../src/testing/index.ts";
import { writeFiles } from "../helpers.ts";
import { EXACT_SPEC, postJson, type ServeProcess, startServe } from "../server/serve-helpers.ts";

let model: TestModelServer;
let serve: ServeProcess;
let dir: string;
const problems = arithmeticProblems({ seed: 3, count: 3, split: "heldout" });

before(async () => {
  model = await startTestModelServer();
  dir = writeFiles({
    "outcome.yaml": "rewards:\n  correct: {type: math}\n",
    "steps.yaml": 'rewards:\n  well_formed: {type: regex, pattern: "(?:Step \\\\d+: \\\\d+[+-]\\\\d+=\\\\d+|Answer: \\\\d+)\\\\n?$"}\n',
  });
  serve = await startServe(["--spec", join(dir, "outcome.yaml"), "--generator", model.url, "--step-spec", join(dir, "steps.yaml")], { REWARDSMITH_TOKEN: "s3cret" });
});
after(async () => {
  await serve?.stop();
  await model.close();
});

const auth = { authorization: "Bearer s3cret" };
const body = (extra: Record<string, unknown> = {}) => ({
  problems: problems.map((p, i) => ({ id: i, prompt: p.prompt, reference: p.reference })),
  strategy: "best_of_n",
  n: 4,
  max_tokens: 80,
  seed: 2,
  ...extra,
});

test("POST /v1/search: best of n per problem, with the outcome reward, oracle and trace", async () => {
  const r = await postJson(`${serve.url}/v1/search`, body(), auth);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.results.length, problems.length);
  r.json.results.forEach((rec: any, i: number) => {
    assert.equal(rec.id, i);
    assert.equal(rec.status, "ok");
    assert.match(rec.answer, /Answer: \d+$/);
    assert.equal(rec.trace.generator_calls, 4);
    assert.equal(rec.reward, rec.final_answer === problems[i].reference ? 1 : 0);
  });
  // Same seed, same answers.
  const again = await postJson(`${serve.url}/v1/search`, body(), auth);
  assert.deepEqual(again.json.results.map((x: any) => x.answer), r.json.results.map((x: any) => x.answer));
});

test("POST /v1/search: one prompt, a step-wise strategy with the server's step spec and the tree", async () => {
  const p = problems[0];
  const r = await postJson(`${serve.url}/v1/search`, { prompt: p.prompt, reference: p.reference, strategy: "beam", n: 4, k: 2, delimiter: "\n", step_max_tokens: 20, max_tokens: 80, seed: 1, trace: true }, auth);
  assert.equal(r.status, 200, r.text);
  const [rec] = r.json.results;
  assert.equal(rec.status, "ok");
  assert.equal(rec.strategy, "beam");
  assert.ok(rec.trace.scorer_calls.step >= 2);
  assert.ok(Array.isArray(rec.trace.tree));
});

test("POST /v1/search: the same auth and request checks as /v1/score", async () => {
  const noAuth = await postJson(`${serve.url}/v1/search`, body());
  assert.equal(noAuth.status, 401);
  const badStrategy = await postJson(`${serve.url}/v1/search`, body({ strategy: "greedy" }), auth);
  assert.equal(badStrategy.status, 400);
  assert.match(badStrategy.json.message, /strategy/);
  const unknown = await postJson(`${serve.url}/v1/search`, body({ colour: "red" }), auth);
  assert.equal(unknown.status, 400);
  const noPrompt = await postJson(`${serve.url}/v1/search`, { strategy: "majority", problems: [{ id: 1 }] }, auth);
  assert.equal(noPrompt.status, 400);
  assert.match(noPrompt.json.message, /problems\[0\]: prompt/);
  const noScorer = await postJson(`${serve.url}/v1/search`, body({ strategy: "weighted_vote", select: "step" }), auth);
  assert.equal(noScorer.status, 200);
});

test("POST /v1/search on a server started without --generator: 404 that says how to enable it", async () => {
  const plain = await startServe(["--spec", EXACT_SPEC]);
  try {
    const r = await postJson(`${plain.url}/v1/search`, body());
    assert.equal(r.status, 404);
    assert.match(r.json.message, /--generator/);
  } finally {
    await plain.stop();
  }
});

test("POST /v1/search with a dead generator: error records with the partial trace, not a hang or a 500", async () => {
  const files = writeFiles({ "dead.yaml": "base_url: http://127.0.0.1:9/v1\nretries: 0\n" });
  const dead = await startServe(["--spec", join(dir, "outcome.yaml"), "--generator", join(files, "dead.yaml")]);
  try {
    const r = await postJson(`${dead.url}/v1/search`, body());
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.results.length, problems.length);
    for (const rec of r.json.results) {
      assert.equal(rec.status, "error");
      assert.match(rec.reason, /generator/);
      assert.equal(rec.answer, null);
      assert.equal(typeof rec.trace.generator_calls, "number");
    }
  } finally {
    await dead.stop();
  }
});
