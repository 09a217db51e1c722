import assert from "node:assert/strict";
import { test } from "node:test";
import { outputsMatch, valuesMatch } from "../../../src/rewards/code/compare.ts";
import { extractCode } from "../../../src/rewards/code/extract.ts";
import { parseReference } from "../../../src/rewards/code/reference.ts";
import { scoreTests } from "../../../src/rewards/code/scoring.ts";

const PY = ["python", "py"];

test("extract: the last block tagged with the language wins, else the last untagged one", () => {
  const text = "```python\nfirst()\n```\ntext\n```py\nsecond()\n```\n```bash\nls\n```";
  assert.deepEqual(extractCode(text, "fence", PY), { code: "second()\n" });
  assert.deepEqual(extractCode("```\nplain()\n```\n```bash\nls\n```", "fence", PY), { code: "plain()\n" });
  assert.deepEqual(extractCode("~~~python\ntilde()\n~~~", "fence", PY), { code: "tilde()\n" });
  assert.deepEqual(extractCode("````python\nx = '```'\n````", "fence", PY), { code: "x = '```'\n" });
  assert.deepEqual(extractCode("```bash\nls\n```", "any_fence", PY), { code: "ls\n" });
  assert.deepEqual(extractCode("1. The code:\n   ```python\n   if x:\n       y()\n   ```\n", "fence", PY), { code: "if x:\n    y()\n" }, "an indented fence's indentation is not the code's");
  assert.deepEqual(extractCode("print(1)", "none", PY), { code: "print(1)" });
  assert.match((extractCode("```bash\nls\n```", "fence", PY) as { missing: string }).missing, /no ```python code block/);
  assert.match((extractCode("```python\n\n```", "fence", PY) as { missing: string }).missing, /empty/);
});

test("compare: exact, whitespace and float modes", () => {
  assert.equal(outputsMatch("3\n", "3\n", "exact", 0), true);
  assert.equal(outputsMatch("3", "3\n", "exact", 0), false);
  assert.equal(outputsMatch("1  2\n3 \n", "1 2 3", "whitespace", 0), true);
  assert.equal(outputsMatch("1 2", "1 2 3", "whitespace", 0), false);
  assert.equal(outputsMatch("0.3333333", "0.333333333", "float", 1e-6), true);
  assert.equal(outputsMatch("1000001", "1000000", "float", 1e-6), true, "relative tolerance");
  assert.equal(outputsMatch("0.34", "0.33", "float", 1e-6), false);
  assert.equal(outputsMatch("abc", "abd", "float", 1), false);
  assert.equal(outputsMatch("1e3", "1000", "whitespace", 0), false);
  assert.equal(outputsMatch("1e3", "1000", "float", 0), true);
  const huge = "7".repeat(400);
  assert.equal(outputsMatch("0", huge, "float", 1e-6), false, "a number past the double range is not Infinity-close to every number");
  assert.equal(outputsMatch(`${huge.slice(1)}8`, huge, "float", 1e-6), false);
  assert.equal(outputsMatch(huge, huge, "float", 1e-6), true);
});

test("compare: return values deep-equal, numbers within the tolerance", () => {
  assert.equal(valuesMatch([1, { a: [0.30000000000000004] }], [1, { a: [0.3] }], 1e-9), true);
  assert.equal(valuesMatch([1, 2], [1, 2, 3], 0), false);
  assert.equal(valuesMatch({ a: 1 }, { a: 1, b: 2 }, 0), false);
  assert.equal(valuesMatch(true, 1, 0), false);
  assert.equal(valuesMatch(0.30000000000000004, 0.3, 0), false);
  assert.equal(valuesMatch(1000000008, 1000000007, 1e-6), false, "integers are exact");
  assert.equal(valuesMatch([10000001], [10000000], 1e-6), false, "integers are exact");
  assert.equal(valuesMatch(2.9999999999, 3, 1e-6), true, "a float may differ from an integer by the tolerance");
  assert.equal(valuesMatch(-0, 0, 1e-6), true);
  assert.equal(valuesMatch(0, JSON.parse("7".repeat(400)), 1e-6), false, "a number past the double range is not Infinity-close to every number");
  assert.equal(valuesMatch(null, null, 0), true);
});

test("reference: the formats are recognised and mistakes named by path", () => {
  assert.equal((parseReference({ tests: [{ stdin: "1", stdout: "1" }] }) as { mode: string }).mode, "stdio");
  assert.equal((parseReference('{"inputs": ["1"], "outputs": ["1"]}') as { mode: string }).mode, "stdio");
  assert.equal((parseReference({ entry_point: "f", cases: [{ args: [], expected: null }] }) as { mode: string }).mode, "cases");
  assert.equal((parseReference({ test_code: ["assert True", "assert 1"] }) as { tests: unknown[] }).tests.length, 2);
  const problem = (r: unknown) => (parseReference(r) as { problem: string }).problem;
  assert.match(problem({ inputs: ["1", "2"], outputs: ["1"] }), /2 inputs but 1 outputs/);
  assert.match(problem({ entry_point: "not a name", cases: [{ expected: 1 }] }), /^reference\.entry_point: a function name/);
  assert.match(problem({ entry_point: "f", cases: [{ args: [1] }] }), /^reference\.cases\.0\.expected: missing/);
  assert.match(problem({ tests: [] }), /^reference\.tests: /);
  assert.match(problem({ answer: 3 }), /none of tests, inputs\/outputs, cases, test_code \(found keys: answer\)/);
  assert.match(problem("print(1)"), /not JSON/);
  assert.match(problem(undefined), /found nothing/);
});

test("scoring: pass_all, fraction, weighted (weights, 1 - pass_rate, all-zero falls back to fraction)", () => {
  const outcomes = [{ outcome: "passed" as const }, { outcome: "wrong_answer" as const }, { outcome: "passed" as const }, { outcome: "timeout" as const }];
  const plain = [{}, {}, {}, {}];
  assert.equal(scoreTests(outcomes, plain, "fraction"), 0.5);
  assert.equal(scoreTests(outcomes, plain, "pass_all"), 0);
  assert.equal(scoreTests(outcomes.slice(0, 1), plain.slice(0, 1), "pass_all"), 1);
  assert.equal(scoreTests(outcomes, [{ weight: 2 }, { weight: 1 }, { weight: 1 }, { weight: 0 }], "weighted"), 0.75);
  assert.equal(scoreTests(outcomes, [{ pass_rate: 0.5 }, { pass_rate: 0.5 }, { pass_rate: 0 }, { pass_rate: 1 }], "weighted"), 0.75);
  assert.equal(scoreTests(outcomes, [{ pass_rate: 1 }, { pass_rate: 1 }, { pass_rate: 1 }, { pass_rate: 1 }], "weighted"), 0.5);
});
