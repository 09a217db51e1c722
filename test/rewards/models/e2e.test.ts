import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { arithmeticProblems, startTestModelServer, type TestModelServer } from "../../../src/testing/index.ts";
import { parseJsonl, runCli, writeFiles } from "../../helpers.ts";
import { postJson, startServe } from "../../server/serve-helpers.ts";
import { startFaultServer } from "./fault-server.ts";

/** The model-backed reward types as a user runs them: `rewardsmith score` and `serve`'s /v1/score against the test model server. */
let server: TestModelServer;
before(async () => {
  server = await startTestModelServer();
});
after(() => server.close());

const problems = arithmeticProblems({ seed: 11, count: 4, split: "heldout" });

test("score CLI and serve: a prm spec gives per-step rewards; a dead endpoint gives error records naming it, exit 0", async () => {
  const records = problems.map((p, i) => ({ id: `p${i}`, prompt: p.prompt, response: i % 2 ? p.solution.replace(/=(\d+)\n/, (_m, d) => `=${Number(d) + 1}\n`) : p.solution }));
  const spec = (url: string) => `fields: {completion: response}
rewards:
  prm: {type: prm, base_url: "${url}", delimiter: "\\n", template: "{prompt}{steps}", cache: false, retries: 0, timeout_s: 5}
`;
  const dir = writeFiles({ "spec.yaml": spec(server.url), "dead.yaml": spec("http://127.0.0.1:9/v1"), "in.jsonl": records.map((r) => JSON.stringify(r)).join("\n") });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(out.map((o) => [o.id, o.status, o.reward]), [["p0", "ok", 1], ["p1", "ok", 0], ["p2", "ok", 1], ["p3", "ok", 0]]);
  assert.equal(out[1].components.prm.steps[0].reward, 0, "the first step is the wrong one");
  assert.ok(out[0].components.prm.steps.every((s: { reward: number }) => s.reward === 1));
  assert.match(r.stderr, /prm\.requests 1/);

  const dead = await runCli(["score", "--spec", join(dir, "dead.yaml"), join(dir, "in.jsonl")]);
  assert.equal(dead.code, 0, dead.stderr);
  for (const o of parseJsonl(dead.stdout)) {
    assert.equal(o.status, "error");
    assert.match(o.reason, /http:\/\/127\.0\.0\.1:9\/pooling failed: cannot reach the endpoint/);
  }

  const serve = await startServe(["--spec", join(dir, "spec.yaml")]);
  try {
    const res = await postJson(`${serve.url}/v1/score`, { records });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.results.map((o: any) => [o.status, o.reward]), out.map((o) => [o.status, o.reward]));
  } finally {
    assert.equal(await serve.stop(), 0);
  }
});

test("score CLI: a reward_model spec (OpenRLHF protocol, sigmoid) scores a file; the second run comes from the cache", async () => {
  const records = problems.map((p, i) => ({ id: `p${i}`, prompt: p.prompt, response: i % 2 ? p.solution.replace(/Answer: (\d+)$/, "Answer: 1000") : p.solution }));
  const dir = writeFiles({
    "spec.yaml": `fields: {completion: response}
rewards:
  rm: {type: reward_model, protocol: openrlhf, base_url: "${server.url}", template: "{prompt}{completion}", transform: sigmoid, cache: rm.sqlite, retries: 0}
`,
    "in.jsonl": records.map((r) => JSON.stringify(r)).join("\n"),
  });
  const args = ["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")];
  const r = await runCli(args);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(out.map((o) => o.status), ["ok", "ok", "ok", "ok"]);
  assert.ok(out[0].reward > 0.8 && out[1].reward < 0.2, JSON.stringify(out.map((o) => o.reward)));
  assert.match(r.stderr, /rm\.requests 1 · rm\.cache_hits 0/);
  const again = await runCli(args);
  assert.equal(again.stdout, r.stdout);
  assert.match(again.stderr, /rm\.requests 0 · rm\.cache_hits 4/);
});

test("score CLI and serve: logprob rewards (likelihood, confidence, self_certainty) compose in one spec; a server without prompt logprobs gives unscorable records", async () => {
  const records = problems.map((p, i) => ({ id: `p${i}`, prompt: p.prompt, response: p.solution, answer: i === 1 ? String(Number(p.reference) + 10) : p.reference }));
  const spec = (url: string) => `fields: {completion: response, reference: answer}
rewards:
  rlpr: {type: likelihood, base_url: "${url}", cache: false, retries: 0, timeout_s: 5}
  conf: {type: confidence, base_url: "${url}", span: completion, cache: false, retries: 0, timeout_s: 5, weight: 0}
  sc: {type: self_certainty, vocab_size: 31, top_logprobs: 10, base_url: "${url}", cache: false, retries: 0, timeout_s: 5, weight: 0}
`;
  const dir = writeFiles({ "spec.yaml": spec(server.url), "in.jsonl": records.map((r) => JSON.stringify(r)).join("\n") });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(out.map((o) => o.status), ["ok", "ok", "ok", "ok"], JSON.stringify(out.map((o) => o.reason)));
  assert.ok(out[0].components.rlpr.reward > out[1].components.rlpr.reward, "the wrong reference is less likely");
  for (const o of out) {
    assert.ok(o.components.conf.reward > 0 && o.components.conf.reward <= 1);
    assert.ok(o.components.sc.reward > 0);
  }
  const serve = await startServe(["--spec", join(dir, "spec.yaml")]);
  try {
    const res = await postJson(`${serve.url}/v1/score`, { records });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.results.map((o: any) => o.reward), out.map((o) => o.reward));
  } finally {
    assert.equal(await serve.stop(), 0);
  }
  const faults = await startFaultServer();
  try {
    const llama = writeFiles({ "spec.yaml": spec(faults.url("nologprobs")), "in.jsonl": records.map((x) => JSON.stringify(x)).join("\n") });
    const u = await runCli(["score", "--spec", join(llama, "spec.yaml"), join(llama, "in.jsonl")]);
    assert.equal(u.code, 0, u.stderr);
    for (const o of parseJsonl(u.stdout)) {
      assert.equal(o.components.rlpr.status, "unscorable");
      assert.match(o.components.rlpr.reason, /nologprobs\/completions returned no prompt logprobs/);
    }
  } finally {
    await faults.close();
  }
});

test("examples/models.yaml is a valid spec", async () => {
  const { loadSpec } = await import("../../../src/spec/parse.ts");
  const spec = loadSpec(new URL("../../../examples/models.yaml", import.meta.url).pathname);
  assert.deepEqual(spec.rewards.map((r) => [r.name, r.type]), [["rm", "reward_model"], ["prm", "prm"], ["rlpr", "likelihood"]]);
});
