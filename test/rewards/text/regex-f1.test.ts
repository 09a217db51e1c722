import assert from "node:assert/strict";
import { test } from "node:test";
import { f1Reward, tokenF1 } from "../../../src/rewards/f1/index.ts";
import { regexReward } from "../../../src/rewards/regex/index.ts";
import { runReward } from "../../helpers.ts";

test("regex match: search by default, full=true anchors the whole answer", async () => {
  const samples = [{ completion: "<think>x</think> answer" }, { completion: "no think" }];
  const search = await runReward(regexReward, { pattern: "<think>[\\s\\S]*</think>" }, samples);
  assert.deepEqual(search.map((r) => r.reward), [1, 0]);
  assert.equal(search[1].reason, "pattern did not match");
  const full = await runReward(regexReward, { pattern: "<think>[\\s\\S]*</think>", full: true }, samples);
  assert.deepEqual(full.map((r) => r.reward), [0, 0]);
});

test("regex count: number of matches, capped and scaled", async () => {
  const s = [{ completion: "Step 1. Step 2. Step 3. Step 4." }];
  assert.equal((await runReward(regexReward, { pattern: "Step \\d", mode: "count" }, s))[0].reward, 4);
  assert.equal((await runReward(regexReward, { pattern: "Step \\d", mode: "count", max_count: 3, per_match: 0.5 }, s))[0].reward, 1.5);
  assert.equal((await runReward(regexReward, { pattern: "x*", mode: "count", max_count: 100 }, [{ completion: "abc" }]))[0].reward, 4);
});

test("regex extract: last match's group compared with the reference", async () => {
  const o = { pattern: "answer is (\\w+)", mode: "extract", ignore_case: true };
  const r = await runReward(regexReward, o, [
    { completion: "I think the answer is B. No wait, the answer is C", reference: "c" },
    { completion: "the answer is B", reference: "C" },
    { completion: "I don't know", reference: "C" },
    { completion: "the answer is C", reference: undefined },
  ]);
  assert.deepEqual(r.map((x) => [x.status, x.reward]), [["ok", 1], ["ok", 0], ["ok", 0], ["unscorable", null]]);
  assert.match(r[1].reason!, /extracted "B"/);
  assert.match(r[2].reason!, /no answer extracted/);
});

test("regex extract: first occurrence and named groups", async () => {
  const r = await runReward(regexReward, { pattern: "#### (?<ans>-?\\d+)", mode: "extract", group: "ans", occurrence: "first" }, [
    { completion: "#### 12\n#### 13", reference: "12" },
  ]);
  assert.equal(r[0].reward, 1);
});

test("regex: an invalid pattern is a spec error naming the option", () => {
  const res = regexReward.options.safeParse({ pattern: "(unclosed" });
  assert.equal(res.success, false);
  assert.deepEqual(res.error!.issues[0].path, ["pattern"]);
});

test("f1: SQuAD normalisation and token overlap (hand-computed)", () => {
  // prediction tokens: [cat, sat, on, mat]; reference: [cat, sat, on, red, mat] -> common 4, P=1, R=0.8, F1=8/9
  assert.ok(Math.abs(tokenF1("The cat sat on the mat.", "a cat sat on the red mat") - 8 / 9) < 1e-12);
  assert.equal(tokenF1("Paris", "London"), 0);
  assert.equal(tokenF1("the", "a"), 1); // both normalise to nothing
  // repeated tokens count as a multiset: pred [a1, a1, b] vs ref [a1, b] -> common 2, P=2/3, R=1, F1=0.8
  assert.ok(Math.abs(tokenF1("x x y", "x y") - 0.8) < 1e-12);
  // SQuAD deletes punctuation (it does not split on it): "$1,000" is "1000", "don't" is "dont"
  assert.equal(tokenF1("$1,000", "1000"), 1);
  assert.equal(tokenF1("I don't know", "i dont know"), 1);
  assert.equal(tokenF1("U.S. Army", "US army"), 1);
});

test("f1 reward: best over references, from_tag", async () => {
  const r = await runReward(f1Reward, { from_tag: "answer" }, [
    { completion: "<answer>Barack Obama</answer>", reference: ["Obama", "Barack Hussein Obama"] },
    { completion: "Obama", reference: "Obama" },
  ]);
  assert.ok(Math.abs(r[0].reward! - 0.8) < 1e-12); // vs "barack hussein obama": P=1, R=2/3 -> 0.8; vs "obama": P=0.5,R=1 -> 2/3
  assert.equal(r[1].reward, 0);
});

test("regex: a hostile completion cannot make a simple pattern backtrack for minutes", { timeout: 30_000 }, async () => {
  // On the backtracking engine this pattern takes quadratic time: minutes on 2 MB of "a".
  const r = await runReward(regexReward, { pattern: "a+b" }, [{ completion: "a".repeat(2_000_000) }, { completion: "aab" }]);
  assert.deepEqual(r.map((x) => x.reward), [0, 1]);
  const count = await runReward(regexReward, { pattern: "(a+)+c", mode: "count" }, [{ completion: "a".repeat(5_000) + "b" }]);
  assert.equal(count[0].reward, 0);
});

test("regex: engine linear refuses patterns that need backtracking, naming the option", () => {
  const res = regexReward.options.safeParse({ pattern: "(\\w)\\1", engine: "linear" });
  assert.equal(res.success, false);
  assert.deepEqual(res.error!.issues[0].path, ["pattern"]);
  assert.match(res.error!.issues[0].message, /linear-time fallback/);
  assert.equal(regexReward.options.safeParse({ pattern: "#### (-?\\d+)", engine: "linear" }).success, true);
});

test("regex: an extract group the pattern does not have is a spec error naming the option", () => {
  const issues = (o: Record<string, unknown>) => regexReward.options.safeParse(o).error?.issues.map((i) => [i.path.join("."), i.message]);
  assert.deepEqual(issues({ pattern: "answer: (\\d+)", mode: "extract", group: 2 }), [["group", "a group of the pattern (the pattern has 1 group)"]]);
  assert.deepEqual(issues({ pattern: "(?<ans>\\d+)", mode: "extract", group: "answer" }), [["group", "a group of the pattern (the pattern has 1 group (named ans))"]]);
  assert.equal(issues({ pattern: "(?<ans>\\d+)", mode: "extract", group: "ans" }), undefined);
  assert.equal(issues({ pattern: "\\d+", mode: "extract", group: 0 }), undefined);
});
