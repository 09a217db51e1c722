import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type FakeRequest, type FakeVerdict, section, startFakeJudgeServer, type FakeJudgeServer } from "../../../src/testing/judge-server.ts";
import { createScorer } from "../../../src/pipeline/score.ts";
import { judgeSpec, run } from "./helpers.ts";

/** A judge that checks the response against the reference (or the word a criterion names). */
function checker(req: FakeRequest): FakeVerdict {
  const u = req.user;
  const response = section(u, "Response") ?? "";
  const reference = section(u, "Reference answer") ?? "";
  const has = (word: string) => word !== "" && response.toLowerCase().includes(word.toLowerCase());
  switch (req.key) {
    case "score":
      return { reason: "checked", score: has(reference) ? req.scale.max : req.scale.min };
    case "equivalent":
      return { reason: "checked", equivalent: has(reference) };
    case "satisfied": {
      const criterion = section(u, "Criterion") ?? section(u, "Principle") ?? "";
      const word = /mentions (\w+)/.exec(criterion)?.[1] ?? "";
      return { reason: `looked for ${word}`, satisfied: has(word) };
    }
    case "winner": {
      const a = section(u, "Response A") ?? "";
      const b = section(u, "Response B") ?? "";
      const good = (t: string) => t.includes("Paris");
      return { reason: "checked", winner: good(a) === good(b) ? "tie" : good(a) ? "A" : "B" };
    }
    default:
      throw new Error("unexpected request");
  }
}

let fair: FakeJudgeServer;
let gullible: FakeJudgeServer;
before(async () => {
  fair = await startFakeJudgeServer({ judge: checker, scoreDistribution: () => ({ "10": 0.5, "7": 0.25, "1": 0.25 }) });
  gullible = await startFakeJudgeServer();
});
after(async () => {
  await fair.close();
  await gullible.close();
});

const paris = { prompt: "Capital of France?", reference: "Paris" };

test("pointwise: structured request shape, score mapped to [0, 1], judge reason in the record", async () => {
  const before = fair.requests.length;
  const { out, summary } = await run(judgeSpec(fair.url, { mode: "pointwise", scale: { min: 1, max: 5 }, temperature: 0, seed: 7 }), [
    { id: "a", ...paris, completion: "It is Paris." },
    { id: "b", ...paris, completion: "It is Lyon." },
  ]);
  assert.deepEqual(out.map((o) => o.reward), [1, 0]);
  assert.match(out[0].components!.judge.reason!, /judge: checked/);
  const req = fair.requests[before];
  assert.equal(req.model, "fake-judge");
  assert.equal(req.temperature, 0);
  assert.equal(req.seed, 7);
  assert.equal(req.response_format?.type, "json_schema");
  assert.deepEqual(req.response_format?.json_schema?.schema?.properties?.score, { type: "integer", minimum: 1, maximum: 5 });
  assert.equal(req.messages[0].role, "system");
  assert.match(req.messages[1].content, /\[Response\]\nIt is Paris\.\n\[End of Response\]/);
  assert.equal(summary["judge.requests"], 2);
  assert.ok(summary["judge.prompt_tokens"] > 0 && summary["judge.completion_tokens"] > 0);
});

test("pointwise: a user template with {{criteria}} and plain-text replies (structured: none)", async () => {
  const before = fair.requests.length;
  const prompt = 'Judge {{criteria}}.\n[Response]\n{{completion}}\n[End of Response]\n[Reference answer]\n{{reference}}\n[End of Reference answer]\nReply {"score": n}';
  const { out } = await run(judgeSpec(fair.url, { mode: "pointwise", structured: "none", prompt, criteria: "factual accuracy" }), [{ ...paris, completion: "Paris" }]);
  assert.equal(out[0].reward, 1);
  assert.equal(fair.requests[before].response_format, undefined);
  assert.match(fair.requests[before].messages[1].content, /^Judge factual accuracy\./);
});

test("pointwise: logprob-weighted score (G-Eval) when the endpoint returns logprobs", async () => {
  const before = fair.requests.length;
  const { out, summary } = await run(judgeSpec(fair.url, { mode: "pointwise", logprobs: true, top_logprobs: 5 }), [{ ...paris, completion: "Paris" }]);
  const expected = (10 * 0.5 + 7 * 0.25 + 1 * 0.25 - 1) / 9;
  assert.ok(Math.abs(out[0].reward! - expected) < 1e-9, `reward ${out[0].reward}`);
  assert.match(out[0].components!.judge.reason!, /logprob-weighted score 7/);
  assert.equal(fair.requests[before].logprobs, true);
  assert.equal(fair.requests[before].top_logprobs, 5);
  assert.equal(summary["judge.logprob_fallbacks"], 0);
});

test("reference: equivalence verdicts; a record without a reference is unscorable", async () => {
  const { out } = await run(judgeSpec(fair.url, { mode: "reference" }), [
    { ...paris, completion: "The answer is paris." },
    { ...paris, completion: "Marseille" },
    { prompt: "Capital of France?", completion: "Paris" },
  ]);
  assert.deepEqual(out.map((o) => [o.status, o.reward]), [["ok", 1], ["ok", 0], ["unscorable", null]]);
  assert.match(out[2].reason!, /needs a reference/);
});

test("pairwise: both orders asked; a position-biased judge yields ties, not wins", async () => {
  const before = gullible.requests.length;
  const { out, summary } = await run(judgeSpec(gullible.url, { mode: "pairwise" }), [
    { id: "x1", prompt: "Capital of France?", completion: "Paris", group: "q" },
    { id: "x2", prompt: "Capital of France?", completion: "Lyon", group: "q" },
  ]);
  assert.equal(gullible.requests.length - before, 2);
  assert.deepEqual(out.map((o) => o.reward), [0.5, 0.5]);
  assert.match(out[0].components!.judge.components!.vs_x2.reason as string, /orders disagree: position bias/);
  assert.equal(summary["judge.position_disagreements"], 1);
});

test("pairwise: win rate within the group, outcomes in components, groups kept apart", async () => {
  const { out } = await run(judgeSpec(fair.url, { mode: "pairwise" }), [
    { id: "a", prompt: "Capital of France?", completion: "Paris", group: "g1" },
    { id: "b", prompt: "Capital of France?", completion: "Lyon", group: "g1" },
    { id: "c", prompt: "Capital of France?", completion: "Nice", group: "g1" },
    { id: "d", prompt: "Capital of France?", completion: ":", group: "g2" },
    { id: "e", prompt: "Capital of France?", completion: "Paris, of course", group: "g2" },
    { id: "lonely", prompt: "Capital of France?", completion: "Paris", group: "g3" },
    { id: "nogroup", prompt: "Capital of France?", completion: "Paris" },
  ]);
  assert.deepEqual(out.map((o) => o.reward), [1, 0.25, 0.25, 0, 1, null, null]);
  const comps = out[0].components!.judge.components!;
  assert.deepEqual(Object.keys(comps).sort(), ["vs_b", "vs_c"]);
  assert.equal(comps.vs_b.reward, 1);
  assert.match(out[3].components!.judge.components!.vs_e.reason as string, /lost without asking: completion is only punctuation/);
  assert.equal(out[5].status, "unscorable");
  assert.match(out[5].reason!, /no other record of group "g3" in this batch/);
  assert.match(out[6].reason!, /needs a group/);
});

test("pairwise: records sharing an id are told apart by batch position", async () => {
  const { out } = await run(judgeSpec(fair.url, { mode: "pairwise" }), [
    { id: "dup", prompt: "Capital of France?", completion: "Paris", group: "g" },
    { id: "dup", prompt: "Capital of France?", completion: "Lyon", group: "g" },
  ]);
  assert.deepEqual(Object.keys(out[0].components.judge.components), ["vs_#1"]);
  assert.deepEqual(out.map((o) => o.reward), [1, 0]);
});

test("rubric: weighted share of satisfied criteria, spec criteria or the record's reference.rubric", async () => {
  const criteria = [{ criterion: "mentions Paris", weight: 3 }, "mentions Seine"];
  const { out } = await run(judgeSpec(fair.url, { mode: "rubric", criteria }), [
    { prompt: "Describe Paris.", completion: "Paris is a city." },
    { prompt: "Describe Paris.", completion: "Paris lies on the Seine." },
    { prompt: "Describe it.", completion: "Lyon is big.", reference: { rubric: ["mentions Lyon", "mentions Rhone"] } },
    { prompt: "Describe it.", completion: "x", reference: { rubric: [] } },
  ]);
  assert.deepEqual(out.map((o) => o.reward), [0.75, 1, 0.5, null]);
  const comps = out[0].components!.judge.components!;
  assert.deepEqual(
    Object.values(comps).map((c: any) => [c.criterion, c.weight, c.reward]),
    [["mentions Paris", 3, 1], ["mentions Seine", 1, 0]],
  );
  assert.equal(out[3].status, "unscorable");
  assert.match(out[3].reason!, /reference.rubric must be a non-empty list/);
});

test("rubric: a criterion the judge cannot answer makes the record an error naming it", async () => {
  const server = await startFakeJudgeServer({ judge: checker });
  try {
    server.fail({ text: "It depends." });
    const { out } = await run(judgeSpec(server.url, { mode: "rubric", criteria: ["mentions Paris", "mentions Seine"] }), [{ prompt: "p", completion: "Paris" }]);
    assert.equal(out[0].status, "error");
    assert.match(out[0].reason, /1 of 2 criteria could not be judged: criterion_\d: unparseable judge verdict .*"It depends\."/);
    const statuses = Object.values(out[0].components.judge.components).map((c: any) => c.status).sort();
    assert.deepEqual(statuses, ["error", "ok"]);
  } finally {
    await server.close();
  }
});

test("principle: principles from the spec, or given per record at run time", async () => {
  const { out } = await run(judgeSpec(fair.url, { mode: "principle", principles: ["mentions safety"] }), [
    { prompt: "p", completion: "safety first" },
    { prompt: "p", completion: "go fast", principles: ["mentions fast", "mentions slow"] },
  ]);
  assert.deepEqual(out.map((o) => o.reward), [1, 0.5]);
  assert.equal(out[1].components!.judge.components!.principle_2.criterion, "mentions slow");
  const none = await run(judgeSpec(fair.url, { mode: "principle" }), [{ prompt: "p", completion: "x" }]);
  assert.equal(none.out[0].status, "unscorable");
});

test("guards: degenerate completions get 0 without a request; guards can be turned off", async () => {
  const records = ["", " : ", "Let's solve this problem step by step.", "Thought process:"].map((completion) => ({ ...paris, completion }));
  const before = gullible.requests.length;
  const guarded = await run(judgeSpec(gullible.url, { mode: "pointwise" }), records);
  assert.equal(gullible.requests.length, before, "the judge is never asked");
  assert.deepEqual(guarded.out.map((o) => o.reward), [0, 0, 0, 0]);
  assert.match(guarded.out[2].components!.judge.reason!, /reasoning opener.*scored 0 without asking the judge/);
  assert.equal(guarded.summary["judge.degenerate_guarded"], 4);
  const open = await run(judgeSpec(gullible.url, { mode: "pointwise", guards: { degenerate: false } }), records);
  assert.deepEqual(open.out.map((o) => o.reward), [1, 1, 1, 1], "the gullible judge falls for every master key");
});

test("length-bias report: correlation of completion length and reward in the summary", async () => {
  const lengthLover = await startFakeJudgeServer({
    judge: (req) => ({ reason: "long is good", score: Math.min(10, 1 + Math.floor((section(req.user, "Response") ?? "").length / 10)) }),
  });
  try {
    const records = [5, 20, 40, 80].map((n) => ({ prompt: "p", completion: "word ".repeat(n / 5).trim() + "!" }));
    const { summary } = await run(judgeSpec(lengthLover.url, { mode: "pointwise" }), records);
    assert.ok(summary["judge.length_reward_correlation"] > 0.9, JSON.stringify(summary));
  } finally {
    await lengthLover.close();
  }
});

test("self-consistency: k samples at the sampling temperature, votes and agreement exposed", async () => {
  let n = 0;
  const noisy = await startFakeJudgeServer({ judge: () => ({ reason: "hmm", score: [8, 8, 4][n++ % 3] }) });
  try {
    const spec = judgeSpec(noisy.url, { mode: "pointwise", seed: 1, self_consistency: { samples: 3, aggregate: "majority", temperature: 0.9 } });
    const { out, summary } = await run(spec, [{ prompt: "p", completion: "an answer" }]);
    assert.equal(noisy.requests.length, 3);
    assert.deepEqual(noisy.requests.map((r) => r.temperature), [0.9, 0.9, 0.9]);
    assert.deepEqual(noisy.requests.map((r) => r.seed).sort(), [1, 2, 3]);
    assert.equal(out[0].reward, (8 - 1) / 9);
    const sc = out[0].components!.judge.components!.self_consistency;
    assert.deepEqual([...(sc.votes as number[])].sort(), [4, 8, 8]);
    assert.ok(Math.abs(sc.reward! - 2 / 3) < 1e-9);
    assert.ok(Math.abs(summary["judge.self_consistency_disagreement"] - 1 / 3) < 1e-9);
  } finally {
    await noisy.close();
  }
});

test("spec validation: mode-specific options are checked with precise paths", async () => {
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "rubric", criteria: "be nice" })), /rewards\.judge\.criteria: expected a list of criteria/);
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "reference", logprobs: true })), /rewards\.judge\.logprobs/);
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "pointwise", prompt: "{{completion_a}}" })), /found \{\{completion_a\}\}/);
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "pointwise", prompt: "Rate {response} from 1 to 10." })), /rewards\.judge\.prompt: expected a template of mode pointwise with \{\{completion\}\}/);
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "pairwise", prompt: "A: {{completion_a}}" })), /with \{\{completion_b\}\}/);
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "rubric", criteria: ["x"], prompt: "{{completion}}" })), /with \{\{criterion\}\}/);
  assert.throws(() => createScorer(judgeSpec(fair.url, { mode: "pointwise", api_key_env: "REWARDSMITH_TEST_UNSET_KEY" })), /REWARDSMITH_TEST_UNSET_KEY is not set/);
  assert.throws(() => createScorer(judgeSpec("localhost:8000", { mode: "pointwise" })), /base_url/);
});
