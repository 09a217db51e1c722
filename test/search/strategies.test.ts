import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { defineRewardType, perSample } from "../../src/core/reward.ts";
import { RewardRegistry } from "../../src/core/registry.ts";
import { createScorer } from "../../src/pipeline/score.ts";
import { functionScorer, specScorer } from "../../src/search/scorers.ts";
import { search, Searcher } from "../../src/search/search.ts";
import { allGood, outcomeGood, scriptedGenerator } from "./scripted.ts";

const problem = { id: "p1", prompt: "Q: count the good steps\n" };

test("best_of_n: n samples, one request each, argmax of the scorer; ties go to the earliest sample", async () => {
  const g = scriptedGenerator({ whole: (_r, i) => `Answer: ${i}` });
  const [r] = await search(problem, { strategy: "best_of_n", generator: g.generate, n: 6, spec: functionScorer(() => 0.5) });
  assert.equal(r.status, "ok");
  assert.equal(r.answer, "Answer: 0");
  assert.equal(g.requests.length, 6);
  assert.equal(r.trace.generator_calls, 6);
  assert.equal(r.trace.completion_tokens, 30);
  assert.equal(r.trace.prompt_tokens, 60);
  assert.equal(r.candidates, 6);
  const g2 = scriptedGenerator({ whole: (_r, i) => `Answer: ${i}` });
  const [best] = await search(problem, { strategy: "best_of_n", generator: g2.generate, n: 6, spec: functionScorer((_p, c) => (c.text.endsWith("4") ? 0.9 : 0.2)) });
  assert.equal(best.answer, "Answer: 4");
  assert.equal(best.reward, 0.9);
  assert.equal(best.oracle, 0.9);
});

test("best_of_n: the step scorer selects when given; the outcome reward and the oracle are still reported", async () => {
  const g = scriptedGenerator({ whole: (_r, i) => (i === 2 ? "step 1 good\nAnswer: 3" : i === 3 ? "step 1 bad\nAnswer: 3" : "step 1 bad\nAnswer: 1") });
  const [r] = await search(problem, { strategy: "best_of_n", generator: g.generate, n: 5, spec: outcomeGood, stepSpec: allGood, delimiter: "\n" });
  assert.equal(r.answer, "step 1 good\nAnswer: 3");
  assert.equal(r.score, 0.9);
  assert.equal(r.reward, 1);
  assert.equal(r.oracle, 1);
  assert.deepEqual(r.trace.scorer_calls, { step: 1, outcome: 1 });
});

test("majority: math equivalence groups answers (1/2 = 0.5); a tie goes to the answer seen first", async () => {
  const answers = ["Answer: 3", "Answer: 1/2", "Answer: 0.5", "Answer: 3", "Answer: 7", "no answer here"];
  const g = scriptedGenerator({ whole: (_r, i) => answers[i] });
  const [r] = await search(problem, { strategy: "majority", generator: g.generate, n: 6 });
  assert.equal(r.answer, "Answer: 3");
  assert.equal(r.final_answer, "3");
  // "no answer here" has no final answer and votes for nothing.
  assert.deepEqual(r.votes?.map((v) => v.count), [2, 2, 1]);
  const g2 = scriptedGenerator({ whole: (_r, i) => ["Answer: 2", "Answer: 1/2", "Answer: 0.50", "Answer: 2", "Answer: \\frac{1}{2}"][i] });
  const [r2] = await search(problem, { strategy: "majority", generator: g2.generate, n: 5 });
  assert.equal(r2.answer, "Answer: 1/2");
  assert.deepEqual(r2.votes?.map((v) => [v.answer, v.count]), [["2", 2], ["1/2", 3]]);
});

test("majority: exact, normalized and regex answer matching", async () => {
  const texts = ["The answer is Paris.", "paris", "the answer is paris", "London"];
  const run = async (answer: "exact" | "normalized" | { regex: string }) => {
    const g = scriptedGenerator({ whole: (_r, i) => texts[i] });
    return (await search(problem, { strategy: "majority", generator: g.generate, n: 4, answer }))[0];
  };
  assert.equal((await run("exact")).votes?.length, 4);
  assert.deepEqual((await run("normalized")).votes?.map((v) => [v.answer, v.count]), [["the answer is paris", 2], ["paris", 1], ["london", 1]]);
  const byRegex = await run({ regex: "(?:is )?([A-Za-z]+)\\.?$" });
  assert.deepEqual(byRegex.votes?.map((v) => [v.answer, v.count]), [["paris", 3], ["london", 1]]);
  assert.equal(byRegex.answer, "The answer is Paris.");
});

test("weighted_vote: the answer with the largest score sum wins over the single best sample", async () => {
  const texts = ["Answer: 9", "Answer: 4", "Answer: 4", "Answer: 4"];
  const g = scriptedGenerator({ whole: (_r, i) => texts[i] });
  const scores: Record<string, number> = { "Answer: 9": 0.9, "Answer: 4": 0.4 };
  const [r] = await search(problem, { strategy: "weighted_vote", generator: g.generate, n: 4, spec: functionScorer((_p, c) => scores[c.text]) });
  assert.equal(r.final_answer, "4");
  assert.deepEqual(r.votes?.map((v) => [v.answer, v.count, Math.round(v.weight! * 10) / 10]), [["9", 1, 0.9], ["4", 3, 1.2]]);
  const [bon] = await search(problem, { strategy: "best_of_n", generator: scriptedGenerator({ whole: (_r, i) => texts[i] }).generate, n: 4, spec: functionScorer((_p, c) => scores[c.text]) });
  assert.equal(bon.final_answer, "9");
});

test("a step ends at the delimiter: step requests stop there, the delimiter joins the text, end of text completes", async () => {
  const g = scriptedGenerator({ depth: 2 });
  const [r] = await search(problem, { strategy: "dvts", generator: g.generate, n: 1, k: 1, stepSpec: allGood, delimiter: "\n", seed: 0, tree: true });
  assert.equal(r.status, "ok");
  assert.equal(g.requests.length, 3);
  for (const req of g.requests) assert.deepEqual(req.stop, ["\n"]);
  assert.deepEqual(g.requests.map((q) => q.prefix), ["", "step 1 good\n", "step 1 good\nstep 2 bad\n"]);
  assert.equal(r.answer, "step 1 good\nstep 2 bad\nAnswer: 1");
  assert.equal(r.complete, true);
  assert.deepEqual(r.trace.tree?.map((n) => [n.id, n.parent, n.text, n.complete]), [
    [0, null, "", false],
    [1, 0, "step 1 good\n", false],
    [2, 1, "step 2 bad\n", false],
    [3, 2, "Answer: 1", true],
  ]);
  assert.equal(r.trace.tree?.find((n) => n.chosen)?.id, 3);
});

test("beam: keeps the n/k best partial solutions and extends each k times; finds the all-good answer", async () => {
  const g = scriptedGenerator({ depth: 3 });
  const [r] = await search(problem, { strategy: "beam", generator: g.generate, n: 8, k: 4, stepSpec: allGood, spec: outcomeGood, delimiter: "\n", seed: 0 });
  assert.equal(r.answer, "step 1 good\nstep 2 good\nstep 3 good\nAnswer: 3");
  assert.equal(r.reward, 1);
  // 8 first steps, then 2 beams × 4 for steps 2, 3 and the answer line.
  assert.equal(r.trace.generator_calls, 32);
  assert.equal(r.trace.scorer_calls.step, 4);
  // With a scorer that knows nothing, beam search is as good as chance: the scorer matters.
  const [blind] = await search(problem, { strategy: "beam", generator: scriptedGenerator().generate, n: 8, k: 4, stepSpec: functionScorer(() => 0.5), delimiter: "\n", seed: 1 });
  assert.equal(blind.status, "ok");
});

test("beam lookahead: candidates are scored on greedy roll-outs (temperature 0), and only one step is kept", async () => {
  const g = scriptedGenerator({ depth: 2 });
  const [r] = await search(problem, { strategy: "beam", generator: g.generate, n: 2, k: 2, lookahead: 1, stepSpec: allGood, delimiter: "\n", seed: 0, tree: true });
  assert.equal(r.status, "ok");
  assert.ok(g.requests.some((q) => q.temperature === 0));
  assert.ok(r.trace.generator_calls > 2 * 3);
});

test("dvts: n/k independent subtrees, each keeping its best child", async () => {
  const g = scriptedGenerator({ depth: 3 });
  const [r] = await search(problem, { strategy: "dvts", generator: g.generate, n: 8, k: 4, stepSpec: allGood, delimiter: "\n", seed: 0 });
  assert.equal(r.answer, "step 1 good\nstep 2 good\nstep 3 good\nAnswer: 3");
  assert.equal(r.candidates, 2);
  assert.equal(r.trace.generator_calls, 2 * 4 * 4);
});

test("particle_filter: reproducible for a seed, resamples toward good prefixes", async () => {
  const run = async (seed: number) =>
    (await search(problem, { strategy: "particle_filter", generator: scriptedGenerator({ depth: 3 }).generate, n: 8, stepSpec: allGood, spec: outcomeGood, delimiter: "\n", seed, resample: "every" }))[0];
  const a = await run(11);
  const b = await run(11);
  assert.deepEqual({ ...a, trace: { ...a.trace, wall_ms: 0 } }, { ...b, trace: { ...b.trace, wall_ms: 0 } });
  assert.equal(a.answer, "step 1 good\nstep 2 good\nstep 3 good\nAnswer: 3");
  assert.equal(a.trace.generator_calls, 8 * 4);
  const final = await search(problem, { strategy: "particle_filter", generator: scriptedGenerator({ depth: 3 }).generate, n: 8, stepSpec: allGood, spec: outcomeGood, delimiter: "\n", seed: 3, final: "outcome" });
  assert.equal(final[0].reward, 1);
});

test("equal budget: every strategy at n = 8 spends within the same number of full solutions", async () => {
  const spent: Record<string, number> = {};
  for (const strategy of ["best_of_n", "majority", "weighted_vote", "beam", "dvts", "particle_filter"] as const) {
    const g = scriptedGenerator({ depth: 3 });
    const [r] = await search(problem, { strategy, generator: g.generate, n: 8, k: 4, stepSpec: allGood, spec: outcomeGood, delimiter: "\n", seed: 0 });
    assert.equal(r.trace.generator_calls, g.requests.length);
    assert.equal(r.trace.completion_tokens, 5 * g.requests.length);
    spent[strategy] = r.trace.generator_calls;
  }
  // Whole answers: 8 requests; stepwise: 8 trajectories of 4 requests (3 steps and the answer line) at most.
  assert.deepEqual(spent, { best_of_n: 8, majority: 8, weighted_vote: 8, beam: 32, dvts: 32, particle_filter: 32 });
});

test("budget caps: no request starts once calls or tokens are spent; the record says so", async () => {
  const g = scriptedGenerator({ depth: 3 });
  const [r] = await search(problem, { strategy: "particle_filter", generator: g.generate, n: 4, stepSpec: allGood, delimiter: "\n", seed: 0, budget: { calls: 6 } });
  assert.equal(g.requests.length, 6);
  assert.equal(r.trace.generator_calls, 6);
  assert.equal(r.trace.budget_exhausted, true);
  assert.equal(r.status, "ok");
  assert.equal(r.complete, false);
  const t = scriptedGenerator({ depth: 3, tokensPerStep: 7 });
  const [rt] = await search(problem, { strategy: "beam", generator: t.generate, n: 4, k: 2, stepSpec: allGood, delimiter: "\n", budget: { tokens: 40 } });
  // The first step's 4 requests spend 28 tokens (< 40), so the second step's 4 start together and end at 56; then none start.
  assert.equal(rt.trace.completion_tokens, 56);
  assert.equal(rt.trace.budget_exhausted, true);
  const [samples] = await search(problem, { strategy: "best_of_n", generator: scriptedGenerator().generate, spec: outcomeGood, budget: { samples: 3 } });
  assert.equal(samples.trace.generator_calls, 3);
});

test("a generator that dies mid-search gives an error record with the partial trace", async () => {
  const g = scriptedGenerator({ depth: 3, dieAfter: 10 });
  const [r] = await search(problem, { strategy: "beam", generator: g.generate, n: 4, k: 2, stepSpec: allGood, delimiter: "\n", tree: true });
  assert.equal(r.status, "error");
  assert.match(r.reason!, /search failed: .*unavailable: connection refused/);
  assert.equal(r.answer, null);
  assert.equal(r.trace.generator_calls, 10);
  assert.equal(r.trace.completion_tokens, 50);
  assert.ok(r.trace.tree!.length > 1);
  assert.equal(r.id, "p1");
});

test("configuration errors are refused before any request", () => {
  const g = scriptedGenerator();
  assert.throws(() => new Searcher({ strategy: "beam", generator: g.generate }), /needs a step scorer/);
  assert.throws(() => new Searcher({ strategy: "best_of_n", generator: g.generate }), /needs a scorer/);
  assert.throws(() => new Searcher({ strategy: "nope" as "beam", generator: g.generate }), /unknown strategy/);
  assert.throws(() => new Searcher({ strategy: "majority", generator: g.generate, n: 0 }), /positive integer/);
  assert.equal(g.requests.length, 0);
});

test("spec scorers: a spec scores candidates with the problem's reference; per-step rewards are aggregated", async () => {
  const g = scriptedGenerator({ whole: (_r, i) => `Answer: ${i + 40}` });
  const [r] = await search({ id: 1, prompt: "Q: 20+22\n", reference: "42" }, { strategy: "best_of_n", generator: g.generate, n: 4, spec: { rewards: { correct: { type: "math" } } } });
  assert.equal(r.answer, "Answer: 42");
  assert.equal(r.reward, 1);
  assert.equal(r.oracle, 1);
});

test("specScorer: a result's per-step rewards become one score by last, min, product or mean; a failed record scores null", async () => {
  const fakePrm = defineRewardType({
    type: "fake_prm",
    description: "per-step rewards from the completion's lines",
    options: z.strictObject({}),
    create: (_o, context) =>
      perSample(context, (s) => {
        const text = String(s.completion);
        if (text === "fail") return { reward: null, status: "error", reason: "server down" };
        const steps = text.split("\n").map((l) => ({ reward: Number(l) }));
        return { reward: 0, status: "ok", steps };
      }),
  });
  const registry = new RewardRegistry().register(fakePrm);
  const scorer = createScorer({ rewards: { prm: { type: "fake_prm" } } }, registry);
  const cands = [
    { id: 0, parent: null, text: "0.9\n0.2\n0.5", steps: [], complete: false },
    { id: 1, parent: null, text: "fail", steps: [], complete: false },
  ];
  const expect = { last: 0.5, min: 0.2, product: 0.9 * 0.2 * 0.5, mean: (0.9 + 0.2 + 0.5) / 3 };
  for (const [aggregate, value] of Object.entries(expect)) {
    const [a, b] = await specScorer(scorer, { aggregate: aggregate as "last" }).score(problem, cands);
    assert.ok(Math.abs(a.score! - value) < 1e-12, `${aggregate}: ${a.score}`);
    assert.equal(b.score, null);
    assert.match(b.reason!, /server down/);
  }
  // strip: a final line the PRM does not score is removed before it reads the candidate.
  const [stripped] = await specScorer(scorer, { aggregate: "last", strip: /\n[^\n]*$/ }).score(problem, cands.slice(0, 1));
  assert.equal(stripped.score, 0.2);
  await scorer.close();
});

test("a cancelled search (deadline, client gone) stops issuing requests and returns an error record", async () => {
  const g = scriptedGenerator({ depth: 3 });
  const searcher = new Searcher({ strategy: "particle_filter", generator: g.generate, n: 4, stepSpec: allGood, delimiter: "\n" });
  const abort = new AbortController();
  abort.abort(new Error("not finished within the server's per-request timeout"));
  const r = await searcher.run(problem, 0, abort.signal);
  assert.equal(r.status, "error");
  assert.match(r.reason!, /per-request timeout/);
  assert.equal(g.requests.length, 0);
  await searcher.close();
});

test("outcome scoring: identical answers (resampled particles) are scored once", async () => {
  const g = scriptedGenerator({ depth: 2 });
  const sameSeed = (req: Parameters<typeof g.generate>[0]) => g.generate({ ...req, seed: 0 });
  const [r] = await search(problem, { strategy: "particle_filter", generator: sameSeed, n: 6, stepSpec: allGood, spec: outcomeGood, delimiter: "\n", resample: "every" });
  assert.equal(r.answer, "step 1 good\nstep 2 good\nAnswer: 2");
  assert.equal(r.candidates, 6);
  assert.deepEqual([r.trace.scorer_calls.outcome, r.trace.scored.outcome], [1, 1]);
});
