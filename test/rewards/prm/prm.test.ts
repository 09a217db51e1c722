import assert from "node:assert/strict";
import { test } from "node:test";
import type { Sample } from "../../../src/core/types.ts";
import { prmReward, recordSteps, stepRewards } from "../../../src/rewards/prm/index.ts";
import { arithmeticProblems } from "../../../src/testing/index.ts";
import { runReward } from "../../helpers.ts";
import { modelAndFaultServers } from "../models/fault-server.ts";

const servers = modelAndFaultServers();

const base = () => ({ base_url: servers.model.url, cache: false, retries: 0, delimiter: "\n", template: "{prompt}{steps}" });
const [p1, p2] = arithmeticProblems({ seed: 7, count: 2, split: "heldout" });
/** The right solution with step 2's result off by one, carried on correctly to a wrong answer. */
function wrongAtStep2(solution: string): string {
  let previous = 0;
  return solution
    .split("\n")
    .map((line, k) => {
      const m = /^Step (\d+): (\d+)([+-])(\d+)=(\d+)$/.exec(line);
      if (!m) return `Answer: ${previous}`;
      const left = k === 0 ? Number(m[2]) : previous;
      previous = (m[3] === "+" ? left + Number(m[4]) : left - Number(m[4])) + (k === 1 ? 1 : 0);
      return `Step ${m[1]}: ${left}${m[3]}${m[4]}=${previous}`;
    })
    .join("\n");
}

test("prm: one reward per step from the served PRM; min aggregate; a wrong step scores 0 there", async () => {
  const samples: Sample[] = [
    { id: "right", prompt: p1.prompt, completion: p1.solution },
    { id: "wrong", prompt: p1.prompt, completion: wrongAtStep2(p1.solution) },
  ];
  const [right, wrong] = await runReward(prmReward, base(), samples);
  const n = p1.solution.split("\n").length;
  assert.equal(right.status, "ok", right.reason);
  assert.equal(right.reward, 1);
  assert.deepEqual(right.steps, Array.from({ length: n }, () => ({ reward: 1 })));
  assert.equal(wrong.status, "ok", wrong.reason);
  assert.equal(wrong.reward, 0);
  assert.equal(wrong.steps![1].reward, 0, "step 2 is the wrong one");
  assert.equal(wrong.steps![0].reward, 1);
  assert.equal(wrong.steps![n - 1].reward, 0, "the answer line is wrong too");
});

test("prm: aggregates last, mean, product", async () => {
  const s: Sample[] = [{ prompt: p1.prompt, completion: wrongAtStep2(p1.solution) }];
  const n = p1.solution.split("\n").length;
  const [mean] = await runReward(prmReward, { ...base(), aggregate: "mean" }, s);
  const [last] = await runReward(prmReward, { ...base(), aggregate: "last" }, s);
  const [product] = await runReward(prmReward, { ...base(), aggregate: "product" }, s);
  // Steps after step 2 carry the wrong value on correctly; only step 2 and the answer are wrong.
  assert.equal(mean.reward, (n - 2) / n);
  assert.equal(last.reward, 0);
  assert.equal(product.reward, 0);
});

test("prm: input messages lets the server apply the chat template; one request per record", async () => {
  const samples: Sample[] = [
    { prompt: [{ role: "user", content: p2.prompt.trimEnd() }], completion: p2.solution },
    { prompt: [{ role: "user", content: p2.prompt.trimEnd() }], completion: wrongAtStep2(p2.solution) },
  ];
  const reward = prmReward.create(prmReward.options.parse({ ...base(), input: "messages" }), { name: "r", specDir: ".", type: "prm" });
  const [a, b] = await reward.score(samples);
  assert.equal(a.reward, 1, a.reason);
  assert.equal(b.reward, 0, b.reason);
  assert.equal(reward.summary!().requests, 2);
  await reward.close!();
});

test("prm: text input batches many records per request", async () => {
  const problems = arithmeticProblems({ seed: 3, count: 10, split: "heldout" });
  const reward = prmReward.create(prmReward.options.parse({ ...base(), batch_size: 4 }), { name: "r", specDir: ".", type: "prm" });
  const results = await reward.score(problems.map((p) => ({ prompt: p.prompt, completion: p.solution })));
  assert.deepEqual(results.map((r) => r.reward), problems.map(() => 1));
  assert.equal(reward.summary!().requests, 3, "10 records in batches of 4");
  await reward.close!();
});

test("prm: steps from the record's own steps; none gives unscorable", async () => {
  const steps = p1.solution.split("\n").map((text) => ({ reward: null, text }));
  const [own, empty] = await runReward(prmReward, { ...base(), delimiter: "\n\n" }, [
    { prompt: p1.prompt, completion: "ignored", steps },
    { prompt: p1.prompt, completion: "   " },
  ]);
  assert.equal(own.reward, 1, own.reason);
  assert.equal(own.steps!.length, steps.length);
  assert.equal(empty.status, "unscorable");
  assert.match(empty.reason!, /no steps/);
  assert.deepEqual(recordSteps({ completion: "a\n\nb\n\n\n\nc" }, { steps_from: "auto", delimiter: "\n\n" }), ["a", "b", "c"]);
  assert.match(String(recordSteps({ completion: "a" }, { steps_from: "record", delimiter: "\n" })), /no steps with a text/);
});

test("prm: step rows: numbers, one-column rows, a wrong count names the separator", () => {
  assert.deepEqual(stepRewards([[0.2, 0.8], 0.5, [0.3]], 3, 1, "<extra_0>"), [0.8, 0.5, 0.3]);
  assert.match(String(stepRewards([[0, 1]], 2, 1, "<extra_0>")), /1 step scores for 2 steps .*<extra_0>/);
  assert.match(String(stepRewards([["x"]], 1, 1, "s")), /step 1: expected a number/);
  assert.match(String(stepRewards({}, 1, 1, "s")), /expected a list of step rows/);
});

test("prm: a separator the server does not pool at gives an error record naming the endpoint", async () => {
  const [r] = await runReward(prmReward, { ...base(), separator: "\n" }, [{ prompt: p1.prompt, completion: p1.solution }]);
  assert.equal(r.status, "error");
  assert.match(r.reason!, new RegExp(`PRM endpoint ${servers.model.url.replace("/v1", "")}/pooling: the server returned \\d+ step scores for \\d+ steps`));
});

test("prm: bad endpoints give error records naming the URL and what was wrong; a hung server times out", async () => {
  const sample: Sample[] = [{ prompt: p1.prompt, completion: p1.solution }];
  const cases: Array<[string, RegExp]> = [
    ["missing", /missing\/pooling failed: HTTP 404 \(does this server serve this route\?\)/],
    ["shape", /shape\/pooling failed: pooling response has no data list/],
    ["html", /html\/pooling failed: malformed JSON response: "<html>/],
    ["html500", /html500\/pooling failed: HTTP 502.*502 Bad Gateway/],
    ["hang", /hang\/pooling failed: timed out after 0.3 s/],
  ];
  for (const [mode, want] of cases) {
    const [r] = await runReward(prmReward, { ...base(), base_url: servers.faults.url(mode), timeout_s: 0.3 }, sample);
    assert.equal(r.status, "error", mode);
    assert.match(r.reason!, want, mode);
    assert.match(r.reason!, /PRM request to http:\/\/127\.0\.0\.1:\d+\//, mode);
  }
  const [wrongPath] = await runReward(prmReward, { ...base(), path: "/v1/nothing" }, sample);
  assert.match(wrongPath.reason!, /nothing failed: HTTP 404/);
});

test("prm: a record the server refuses does not fail the other records of its batch", async () => {
  const reward = prmReward.create(prmReward.options.parse({ ...base(), batch_size: 8 }), { name: "r", specDir: ".", type: "prm" });
  const results = await reward.score([
    { prompt: p1.prompt, completion: p1.solution },
    { prompt: "not a problem", completion: "Step 1: 1+1=2" },
    { prompt: p2.prompt, completion: p2.solution },
  ]);
  assert.deepEqual(results.map((r) => r.status), ["ok", "error", "ok"]);
  assert.match(results[1].reason!, /HTTP 400.*no problem line/);
  assert.equal(reward.summary!().requests, 4, "the refused batch, then each record alone");
  await reward.close!();
});
