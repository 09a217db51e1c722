import assert from "node:assert/strict";
import { test } from "node:test";
import type { RewardResult, Sample } from "../../src/core/types.ts";
import { bleuStatistics, corpusBleu, sentenceBleu } from "../../src/rewards/similarity/bleu.ts";
import { chrfWords, sentenceChrf } from "../../src/rewards/similarity/chrf.ts";
import { editSimilarity, levenshtein } from "../../src/rewards/similarity/edit.ts";
import { similarityReward } from "../../src/rewards/similarity/index.ts";
import { rougeL, rougeN } from "../../src/rewards/similarity/rouge.ts";
import { tokenize13a, tokenizeRouge } from "../../src/rewards/similarity/tokenize.ts";

const close = (actual: number | null, expected: number, eps = 1e-6) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function score(options: Record<string, unknown>, samples: Sample[]) {
  const o = similarityReward.options.parse(options);
  return similarityReward.create(o, { name: "sim", specDir: ".", type: "sim" }).score(samples) as RewardResult[];
}

test("13a tokenisation splits punctuation but keeps numbers whole", () => {
  assert.deepEqual(tokenize13a("Hello, world! It costs 3.5 or 1,000 (USD)."), ["Hello", ",", "world", "!", "It", "costs", "3.5", "or", "1,000", "(", "USD", ")", "."]);
  assert.deepEqual(tokenize13a("a &amp; b"), ["a", "&", "b"]);
  assert.deepEqual(tokenize13a("2-3"), ["2", "-", "3"]);
});

test("BLEU: identical sentences score 1, disjoint ones 0", () => {
  close(sentenceBleu("the cat sat on the mat", ["the cat sat on the mat"]), 1);
  assert.equal(sentenceBleu("dogs bark", ["the cat sat on the mat"]), 0);
  assert.equal(sentenceBleu("", ["the cat"]), 0);
});

test("BLEU: one missing 4-gram match uses exp smoothing 1/(2·total)", () => {
  // p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0 matches of 3 -> 1/(2·3); BP = 1.
  close(sentenceBleu("the cat sat on the mat", ["the cat is on the mat"]), (5 / 6 * 3 / 5 * 1 / 4 * 1 / 6) ** 0.25);
  close(sentenceBleu("the cat sat on the mat", ["the cat is on the mat"]), 0.3799178);
});

test("BLEU: effective order and brevity penalty for a short hypothesis", () => {
  // 2 tokens: only orders 1 and 2 exist, both fully matched; BP = exp(1 - 6/2).
  close(sentenceBleu("the cat", ["the cat sat on the mat"]), Math.exp(-2));
});

test("BLEU: several references clip by the max count and use the closest length", () => {
  // p1 = 6/6, p2 = 5/5, p3 = 3/4, p4 = 2/3.
  close(sentenceBleu("the cat sat on the mat", ["the cat is on the mat", "a cat sat on the mat"]), 0.5 ** 0.25);
});

test("BLEU: lowercase option and whitespace tokenisation", () => {
  assert.ok(sentenceBleu("The Cat sat", ["the cat sat"]) < 1);
  close(sentenceBleu("The Cat sat", ["the cat sat"], { tokenize: "13a", lowercase: true, maxOrder: 4 }), 1);
  // With 13a "mat." is two tokens; with "none" it is one token that does not match "mat".
  close(sentenceBleu("the mat.", ["the mat ."], { tokenize: "13a", lowercase: false, maxOrder: 4 }), 1);
  assert.ok(sentenceBleu("the mat.", ["the mat ."], { tokenize: "none", lowercase: false, maxOrder: 4 }) < 1);
});

test("BLEU: sacrebleu's README corpus example (48.53, 82.4/50.0/45.5/37.5, BP 0.943)", () => {
  const hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
  const refs = [
    ["The dog bit the man.", "The dog had bit the man."],
    ["It was not unexpected.", "No one was surprised."],
    ["The man bit him first.", "The man had bitten the dog."],
  ];
  const stats = hyps.map((h, i) => bleuStatistics(h, refs[i]));
  assert.deepEqual([sum(stats.map((s) => s.hypLen)), sum(stats.map((s) => s.refLen))], [17, 18]);
  const correct = [0, 1, 2, 3].map((n) => sum(stats.map((s) => s.correct[n])));
  const total = [0, 1, 2, 3].map((n) => sum(stats.map((s) => s.total[n])));
  assert.deepEqual(correct, [14, 7, 5, 3]); // 82.4 / 50.0 / 45.5 / 37.5 percent
  assert.deepEqual(total, [17, 14, 11, 8]);
  close(corpusBleu(hyps, refs), 0.4853, 0.00005);
});

test("chrF: averaged precision/recall over the effective orders, β = 2", () => {
  // n=1: P=1, R=2/3; n=2: P=1, R=1/2; higher orders absent. F2 = 5·1·(7/12) / (4 + 7/12) = 7/11.
  close(sentenceChrf("ab", ["abc"]), 7 / 11);
  close(sentenceChrf("a b", ["ab"]), 1);
  assert.equal(sentenceChrf("xyz", ["abc"]), 0);
  // the best of several references counts
  close(sentenceChrf("ab", ["zzz", "abc"]), 7 / 11);
  // characters are code points: n=1 P=1, R=1/2; no 2-grams in the hypothesis. F2 = 5·½ / (4 + ½) = 5/9.
  close(sentenceChrf("😀", ["a😀"]), 5 / 9);
});

test("chrF++: word n-grams join the character orders in the average", () => {
  const plus = { charOrder: 6, wordOrder: 2, beta: 2, lowercase: false, whitespace: false };
  // chars "abc"/"abd": n=1 P=R=2/3, n=2 P=R=1/2, n=3 P=R=0; words [ab c]/[ab d]: n=1 P=R=1/2, n=2 P=R=0.
  // P = R, so F = P: chrF = (2/3 + 1/2 + 0)/3 = 7/18; chrF++ = (2/3 + 1/2 + 0 + 1/2 + 0)/5 = 1/3.
  close(sentenceChrf("ab c", ["ab d"]), 7 / 18);
  close(sentenceChrf("ab c", ["ab d"], plus), 1 / 3);
  // sacrebleu splits one punctuation mark off the end (else the start) of a word: "(world)" -> "(world", ")".
  assert.deepEqual(chrfWords("Hello, (world) it's x!"), ["Hello", ",", "(world", ")", "it's", "x", "!"]);
});

test("ROUGE: rouge-score's README example", () => {
  const target = tokenizeRouge("The quick brown fox jumps over the lazy dog");
  const prediction = tokenizeRouge("The quick brown dog jumps on the log.");
  const r1 = rougeN(prediction, target, 1);
  close(r1.precision, 0.75);
  close(r1.recall, 6 / 9);
  close(r1.fmeasure, 0.7058824);
  const rl = rougeL(prediction, target);
  close(rl.precision, 0.625);
  close(rl.recall, 5 / 9);
  close(rl.fmeasure, 0.5882353);
});

test("ROUGE-2 and ROUGE-L on hand-counted sentences", () => {
  const p = tokenizeRouge("the cat sat on the mat");
  const r = tokenizeRouge("the cat is on the mat");
  close(rougeN(p, r, 2).fmeasure, 3 / 5);
  close(rougeL(p, r).fmeasure, 5 / 6);
  const q = tokenizeRouge("The quick brown fox");
  const s = tokenizeRouge("the fox jumped");
  close(rougeN(q, s, 1).fmeasure, 4 / 7);
  assert.equal(rougeN(q, s, 2).fmeasure, 0);
  assert.deepEqual(tokenizeRouge("Über-cool, isn't it?"), ["ber", "cool", "isn", "t", "it"]);
});

test("edit distance: Levenshtein and its normalisation", () => {
  assert.equal(levenshtein([..."kitten"], [..."sitting"]), 3);
  close(editSimilarity([..."kitten"], [..."sitting"]), 4 / 7);
  assert.equal(editSimilarity([], []), 1);
  assert.equal(editSimilarity([..."abc"], []), 0);
});

test("similarity reward: metrics, multiple references, statuses", () => {
  const samples: Sample[] = [
    { completion: "the cat sat on the mat", reference: "the cat is on the mat" },
    { completion: "kitten", reference: ["mitten", "sitting"] },
    { completion: "x", reference: { not: "text" } },
    { completion: "x", reference: "!!!" },
  ];
  const rl = score({ metric: "rougeL" }, samples);
  close(rl[0].reward, 5 / 6);
  assert.equal(rl[2].status, "unscorable");
  assert.equal(rl[3].status, "unscorable");
  const ed = score({ metric: "edit" }, samples);
  close(ed[1].reward, 5 / 6); // kitten -> mitten: one substitution
  const bl = score({ metric: "bleu", from_tag: "answer" }, [{ completion: "no tag", reference: "x" }]);
  assert.deepEqual(bl[0], { reward: 0, status: "ok", reason: "no <answer>…</answer> block" });
  const long = score({ metric: "edit" }, [{ completion: "a".repeat(10_000), reference: "b".repeat(10_000) }]);
  assert.equal(long[0].status, "error");
  assert.match(long[0].reason!, /too long for edit: 10000 × 10000 units/);
  assert.throws(() => similarityReward.options.parse({ metric: "meteor" }));
  assert.throws(() => similarityReward.options.parse({ metric: "bleu", smoothing: "exp" }));
});
