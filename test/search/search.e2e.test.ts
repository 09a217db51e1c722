import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { defaultRegistry } from "../../src/rewards/index.ts";
import { arithmeticProblems, startTestModelServer, type TestModelServer } from "../../src/testing/index.ts";
import { parseJsonl, runCli, writeFiles } from "../helpers.ts";

let model: TestModelServer;
let dir: string;
const problems = arithmeticProblems({ seed: 7, count: 6, split: "heldout" });

before(async () => {
  model = await startTestModelServer();
  dir = writeFiles({
    "outcome.yaml": "rewards:\n  correct: {type: math}\n",
    // A rule step scorer: the last line so far is a well-formed step or the answer line.
    "steps.yaml": 'rewards:\n  well_formed: {type: regex, pattern: "(?:Step \\\\d+: \\\\d+[+-]\\\\d+=\\\\d+|Answer: \\\\d+)\\\\n?$"}\n',
    "problems.jsonl": problems.map((p, i) => JSON.stringify({ id: `q${i}`, prompt: p.prompt, reference: p.reference })).join("\n") + "\n{\"id\": \"bad\"}\nnot json\n",
  });
});
after(() => model.close());

const common = () => ["--generator", model.url, "--spec", join(dir, "outcome.yaml"), "--max-tokens", "80", "--step-max-tokens", "20", "--delimiter", "\\n", "--seed", "1", "--quiet"];

test("rewardsmith search (majority) against the test model: one ordered line per input line, answers scored against the reference", async () => {
  const r = await runCli(["search", ...common(), "--strategy", "majority", "--n", "4", join(dir, "problems.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.equal(out.length, problems.length + 2);
  out.slice(0, problems.length).forEach((rec, i) => {
    assert.equal(rec.id, `q${i}`);
    assert.equal(rec.status, "ok");
    assert.match(rec.answer, /Answer: \d+$/);
    assert.equal(rec.trace.generator_calls, 4);
    assert.ok(rec.trace.completion_tokens > 0 && rec.trace.prompt_tokens > 0);
    assert.equal(rec.reward, rec.final_answer === problems[i].reference ? 1 : 0);
    assert.ok(rec.oracle >= rec.reward);
  });
  assert.equal(out[problems.length].id, "bad");
  assert.equal(out[problems.length].status, "error");
  assert.match(out[problems.length].reason, /line 7: prompt: expected a string/);
  assert.match(out[problems.length + 1].reason, /line 8: not valid JSON/);
  // Reproducible: the same seed gives the same answers.
  const again = await runCli(["search", ...common(), "--strategy", "majority", "--n", "4", join(dir, "problems.jsonl")]);
  assert.deepEqual(parseJsonl(again.stdout).map((x) => x.answer), out.map((x) => x.answer));
});

test("rewardsmith search (particle_filter, chat mode) grows answers step by step with a step spec and writes the tree", async () => {
  const r = await runCli(["search", ...common(), "--mode", "chat", "--strategy", "particle_filter", "--n", "4", "--step-spec", join(dir, "steps.yaml"), "--trace", "--out", join(dir, "pf.jsonl"), join(dir, "problems.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const { readFileSync } = await import("node:fs");
  const out = parseJsonl(readFileSync(join(dir, "pf.jsonl"), "utf8"));
  const first = out[0];
  assert.equal(first.status, "ok");
  assert.equal(first.strategy, "particle_filter");
  assert.match(first.answer, /^Step 1: .*\n(?:Step \d+: .*\n)*Answer: \d+$/);
  assert.ok(first.trace.generator_calls >= 4 * 3, `${first.trace.generator_calls} calls`);
  assert.ok(first.trace.scorer_calls.step >= 3);
  const tree = first.trace.tree;
  assert.ok(tree.length > first.trace.generator_calls);
  assert.equal(tree.filter((n: { chosen?: boolean }) => n.chosen).length, 1);
  for (const n of tree) if (n.parent !== null) assert.ok(tree.some((m: { id: number }) => m.id === n.parent), `node ${n.id} has a parent in the tree`);
});

test("rewardsmith search: a dead generator gives error records (no hang, no empty answers) and a summary", async () => {
  const gen = join(dir, "dead.yaml");
  writeFileSync(gen, "base_url: http://127.0.0.1:9/v1\nretries: 0\ntimeout_s: 5\n");
  const r = await runCli(["search", "--generator", gen, "--spec", join(dir, "outcome.yaml"), "--strategy", "best_of_n", "--n", "2", join(dir, "problems.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.equal(out.length, problems.length + 2);
  for (const rec of out) {
    assert.equal(rec.status, "error");
    assert.equal(rec.answer, null);
  }
  assert.match(out[0].reason, /search failed: generator .*(cannot reach|unavailable)/);
  assert.match(r.stderr, /searched 8 problems with best_of_n/);
  assert.match(r.stderr, /ok 0 · error 8/);
});

test("rewardsmith search: usage errors exit 2 before any request", async () => {
  const cases: Array<[string[], RegExp]> = [
    [["--strategy", "beam", "--spec", join(dir, "outcome.yaml")], /needs a step scorer/],
    [["--strategy", "greedy"], /--strategy expects one of/],
    [["--strategy", "majority", "--budget", "seconds=3"], /--budget expects/],
    [["--strategy", "majority", "--n", "4", "--budget", "samples=8"], /disagree/],
    [["--strategy", "majority", "--answer", "regex:("], /--answer regex/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(["search", "--generator", model.url, ...args, join(dir, "problems.jsonl")]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const noGen = await runCli(["search", "--strategy", "majority", join(dir, "problems.jsonl")]);
  assert.equal(noGen.code, 2);
  assert.match(noGen.stderr, /missing --generator/);
});

test("rewardsmith search (beam) with the served PRM (type: prm on the testbed's /pooling) as the step scorer", { skip: defaultRegistry.get("prm") === undefined ? "the prm reward type is not in this build" : false }, async () => {
  const prm = join(dir, "prm.yaml");
  writeFileSync(prm, `rewards:\n  prm: {type: prm, base_url: "${model.url}", template: "{prompt}{steps}", separator: "\\n", delimiter: "\\n", aggregate: min, cache: false}\n`);
  const args = ["search", ...common(), "--strategy", "beam", "--n", "4", "--k", "2", "--step-spec", prm, "--step-strip", "\\nAnswer: .*$"];
  const r = await runCli([...args, join(dir, "problems.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout).slice(0, problems.length);
  for (const rec of out) {
    assert.equal(rec.status, "ok", rec.reason);
    assert.ok(rec.trace.scorer_calls.step >= 2);
    // Every step the PRM passed is right: the chosen answer's score is its min over steps.
    assert.ok(rec.score === 0 || rec.score === 1, `score ${rec.score}`);
  }
  // With a PRM that flags wrong steps, beam search at n = 4 gets more right than one sample would on average.
  const solved = out.filter((x) => x.reward === 1).length;
  assert.ok(solved >= problems.length / 2, `${solved} of ${problems.length} solved`);
});
