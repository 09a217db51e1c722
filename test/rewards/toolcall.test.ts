import assert from "node:assert/strict";
import { test } from "node:test";
import type { RewardResult, Sample } from "../../src/core/types.ts";
import { maxAssignment } from "../../src/rewards/toolcall/assignment.ts";
import { completionCalls, referenceCalls } from "../../src/rewards/toolcall/calls.ts";
import { correctness, valuesEqual } from "../../src/rewards/toolcall/match.ts";
import { toolcallReward } from "../../src/rewards/toolcall/index.ts";

const close = (actual: number | null | undefined, expected: number, eps = 1e-9) =>
  assert.ok(typeof actual === "number" && Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

function score(options: Record<string, unknown>, samples: Sample[]): RewardResult[] {
  const o = toolcallReward.options.parse(options);
  return toolcallReward.create(o, { name: "t", specDir: ".", type: "t" }).score(samples) as RewardResult[];
}

const MATCH = { ignore_case: true, strict_types: false, unordered_arrays: false };
const REF = [
  { name: "get_weather", arguments: { city: "Paris", unit: "celsius" } },
  { name: "get_time", arguments: { tz: "CET" } },
];
const tagged = (...calls: unknown[]) => `<tool_call>\n${calls.map((c) => JSON.stringify(c)).join("\n")}\n</tool_call>`;

test("optimal assignment beats greedy and handles rectangular matrices", () => {
  assert.deepEqual(maxAssignment([[2, 1.5], [3, 1.5]]), { total: 4.5, columnOf: [1, 0] });
  assert.deepEqual(maxAssignment([[1], [5], [2]]), { total: 5, columnOf: [-1, 0, -1] });
  assert.deepEqual(maxAssignment([[1, 9, 2]]), { total: 9, columnOf: [1] });
  assert.deepEqual(maxAssignment([]), { total: 0, columnOf: [] });
});

/** Best total over all one-to-one partial assignments, by exhaustive search. */
function bruteForce(m: number[][], row = 0, used = new Set<number>()): number {
  if (row === m.length) return 0;
  let best = bruteForce(m, row + 1, used);
  for (let j = 0; j < (m[0]?.length ?? 0); j++) {
    if (used.has(j)) continue;
    used.add(j);
    best = Math.max(best, m[row][j] + bruteForce(m, row + 1, used));
    used.delete(j);
  }
  return best;
}

test("optimal assignment equals exhaustive search on random matrices", () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 200; trial++) {
    const rows = 1 + Math.floor(rand() * 5);
    const cols = 1 + Math.floor(rand() * 5);
    const m = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rand() * 4) / 2));
    const { total, columnOf } = maxAssignment(m);
    close(total, bruteForce(m));
    const usedColumns = columnOf.filter((c) => c >= 0);
    assert.equal(new Set(usedColumns).size, usedColumns.length, "a column is used twice");
    close(columnOf.reduce((sum, c, i) => sum + (c >= 0 ? m[i][c] : 0), 0), total);
  }
});

test("value matching is type-aware", () => {
  assert.ok(valuesEqual(" Paris  ", "paris", MATCH));
  assert.ok(!valuesEqual("Paris", "paris", { ...MATCH, ignore_case: false }));
  assert.ok(valuesEqual("5", 5, MATCH));
  assert.ok(!valuesEqual("5", 5, { ...MATCH, strict_types: true }));
  // Two strings compare as text even when both spell numbers: a zip code "02134" is not "2134".
  assert.ok(!valuesEqual("02134", "2134", MATCH));
  assert.ok(!valuesEqual("1.0", "1", MATCH));
  assert.ok(valuesEqual("1.0", 1, MATCH));
  assert.ok(valuesEqual(1, 1.0000000000001, MATCH));
  assert.ok(!valuesEqual(1, 1.001, MATCH));
  assert.ok(valuesEqual({ a: { b: [1, 2] }, c: null }, { c: null, a: { b: [1, 2] } }, MATCH));
  assert.ok(!valuesEqual([1, 2], [2, 1], MATCH));
  assert.ok(valuesEqual([1, 2], [2, 1], { ...MATCH, unordered_arrays: true }));
  assert.ok(!valuesEqual({ a: 1 }, { a: 1, b: 2 }, MATCH));
});

test("correctness: ToolRL's name, parameter-name and value scores over an optimal matching", () => {
  // Greedy matching (ToolRL's code) would pair the first reference call with the first prediction
  // (score 2) and leave 1.5 for the second: 1 + 3.5 = 4.5 of 7. The optimal pairing gets 1 + 4.5.
  const ref = [
    { name: "f", arguments: { a: 1, b: 9 } },
    { name: "f", arguments: { a: 1, b: 2 } },
  ];
  const pred = [
    { name: "f", arguments: { a: 1, b: 2 } },
    { name: "f", arguments: { a: 1 } },
  ];
  const c = correctness(ref, pred, MATCH);
  assert.equal(c.max, 7);
  close(c.fraction, 5.5 / 7);
  close(correctness([], [], MATCH).fraction, 1);
  close(correctness([], pred, MATCH).fraction, 0);
});

test("toolcall reward: ToolRL range and the normalized variant (hand-computed)", () => {
  const samples: Sample[] = [
    // both calls right, in the other order: c = 1
    { completion: tagged({ name: "get_time", arguments: { tz: "CET" } }, { name: "get_weather", arguments: { unit: "celsius", city: "Paris" } }), reference: REF },
    // one of two calls, one value wrong: names 1/2, pair 1 + 1 -> c = 2.5 / 6
    { completion: tagged({ name: "get_weather", arguments: { city: "paris ", unit: "fahrenheit" } }), reference: REF },
    // malformed JSON inside the block: format 0, no calls, c = 0
    { completion: "<tool_call>\n{name: get_time}\n</tool_call>", reference: REF },
  ];
  const t = score({}, samples);
  close(t[0].reward, 4);
  close(t[1].reward, 1 + 3 * (2 * (2.5 / 6) - 1));
  close(t[2].reward, -3);
  assert.equal(t[2].components?.format.reward, 0);
  assert.match(t[2].components?.format.reason as string, /not valid JSON/);
  const n = score({ scale: "normalized" }, samples);
  close(n[0].reward, 1);
  close(n[1].reward, (1 + 3 * (2.5 / 6)) / 4);
  close(n[2].reward, 0);
});

test("toolcall reward: OpenAI tool_calls messages, JSON text, no-call references, think requirement", () => {
  const openai: Sample = {
    completion: [
      { role: "user", content: "weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: "1", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris", "unit": "celsius"}' } }] },
    ],
    reference: { tool_calls: [REF[0]] },
  };
  const r = score({ scale: "normalized" }, [
    openai,
    { completion: '```json\n[{"name": "get_time", "parameters": {"tz": "CET"}}]\n```', reference: [REF[1]] },
    { completion: "It is sunny.", reference: [] },
    { completion: tagged(REF[1]), reference: [] },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [1, 1, 1, 0.25]);
  // JSON text: the last fenced block is the answer (an earlier one is an example or a draft).
  const fenced = '```json\n{"name": "get_weather", "arguments": {}}\n```\nNo, the time:\n```json\n{"name": "get_time", "arguments": {"tz": "CET"}}\n```';
  assert.deepEqual(completionCalls(fenced, "json").calls, [REF[1]]);
  const think = score({ require_think: true }, [
    { completion: `<think>need the time</think>\n${tagged(REF[1])}`, reference: [REF[1]] },
    { completion: tagged(REF[1]), reference: [REF[1]] },
  ]);
  assert.deepEqual(think.map((x) => x.reward), [4, 3]);
});

test("toolcall reward: too many predicted calls is a format failure", () => {
  const r = score({ max_calls: 2 }, [{ completion: tagged(REF[1], REF[1], REF[1]), reference: [REF[1]] }]);
  close(r[0].reward, -3);
  assert.match(r[0].reason!, /3 tool calls, more than max_calls \(2\)/);
});

test("toolcall reward: a malformed or oversized tool-call part gets the minimum correctness also when no call is expected", () => {
  // Counting it as "no calls" matched an empty reference perfectly: 0 + 3·(2·1 − 1) = 3, more
  // than a well-formed wrong call (1 + 3·(2·0 − 1) = −2). Now c = 0: 0 + 3·(−1) = −3.
  const r = score({ max_calls: 2 }, [
    { completion: "<tool_call>\n{oops\n</tool_call>", reference: [] },
    { completion: tagged(REF[1], REF[1], REF[1]), reference: [] },
    { completion: "<tool_call>", reference: [] },
    // a closed block followed by an unclosed one is malformed too
    { completion: `${tagged(REF[1])}\n<tool_call>\n{"name": "get_weather"`, reference: [REF[1]] },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [-3, -3, -3, -3]);
  assert.deepEqual(r.map((x) => x.components?.correctness.reward), [0, 0, 0, 0]);
  assert.match(r[3].reason!, /unclosed <tool_call> block/);
});

test("toolcall reward: absurdly nested arguments are an error for that record only", () => {
  const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));
  const r = score({}, [
    { completion: [{ role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: { x: deep } } }] }], reference: [{ name: "f", arguments: { x: deep } }] },
    { completion: tagged(REF[1]), reference: [REF[1]] },
  ]);
  assert.deepEqual(r[0], { reward: null, status: "error", reason: "tool-call arguments are nested too deeply to compare" });
  assert.equal(r[1].reward, 4);
});

test("reference formats and unscorable references", () => {
  assert.deepEqual(referenceCalls(tagged(REF[1])), [REF[1]]);
  assert.deepEqual(referenceCalls({ name: "x", arguments: "{}" }), [{ name: "x", arguments: {} }]);
  const bad = score({}, [
    { completion: "x", reference: 42 },
    { completion: "x", reference: [{ arguments: {} }] },
    { completion: "x", reference: "just prose" },
  ]);
  assert.deepEqual(bad.map((x) => x.status), ["unscorable", "unscorable", "unscorable"]);
  assert.match(bad[1].reason!, /no name/);
  assert.deepEqual(completionCalls("<tool_call>{\"name\": \"a\"}", "auto"), { calls: [], error: "unclosed <tool_call> block" });
  assert.deepEqual(completionCalls('{"name": "a", "arguments": {"x": 1}}', "tags"), { calls: [] });
});
