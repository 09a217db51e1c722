import assert from "node:assert/strict";
import { test } from "node:test";
import { compileFormula, FormulaError } from "../../src/combine/formula.ts";

const ev = (src: string, vars: Record<string, number> = {}) => compileFormula(src, Object.keys(vars)).evaluate(vars);

test("formula: arithmetic precedence and right-associative power", () => {
  assert.equal(ev("1 + 2 * 3"), 7);
  assert.equal(ev("(1 + 2) * 3"), 9);
  assert.equal(ev("2 ^ 3 ^ 2"), 512);
  assert.equal(ev("-2 ^ 2"), -4);
  assert.equal(ev("7 % 4 - 10 / 4"), 0.5);
  assert.equal(ev("1.5e1 + .5"), 15.5);
});

test("formula: variables, comparisons, logic and the conditional", () => {
  const v = { correct: 1, format: 0.5 };
  assert.equal(ev("correct * (format > 0)", v), 1);
  assert.equal(ev("correct * (format >= 1)", v), 0);
  assert.equal(ev("correct == 1 && format != 0", v), 1);
  assert.equal(ev("!correct || format < 1", v), 1);
  assert.equal(ev("format > 0.9 ? correct : correct / 2", v), 0.5);
});

test("formula: functions and constants", () => {
  assert.equal(ev("min(3, 1, 2) + max(1, 5)"), 6);
  assert.equal(ev("abs(-2) + floor(1.7) + ceil(1.2) + round(2.5)"), 8);
  assert.equal(ev("exp(0) + sqrt(9) + log(e)"), 5);
  assert.equal(ev("clip(5, 0, 1) + sigmoid(0)"), 1.5);
  assert.ok(Math.abs(ev("pi") - Math.PI) < 1e-15);
});

test("formula: reports the variables it reads", () => {
  assert.deepEqual(compileFormula("a + min(b, 1)", ["a", "b", "c"]).variables.sort(), ["a", "b"]);
});

test("formula: errors name the problem and its position, and nothing is eval'd", () => {
  assert.throws(() => compileFormula("correct + bogus", ["correct"]), /unknown name "bogus" \(rewards in this spec: correct\) at character 11/);
  assert.throws(() => compileFormula("foo(1)", []), /unknown function "foo"/);
  assert.throws(() => compileFormula("abs(1, 2)", []), /abs\(\) takes 1 argument/);
  assert.throws(() => compileFormula("1 +", []), /ends too early/);
  assert.throws(() => compileFormula("(1 + 2", []), /expected "\)"/);
  assert.throws(() => compileFormula("1 2", []), /after the end/);
  assert.throws(() => compileFormula("process.exit(1)", []), FormulaError);
  assert.throws(() => compileFormula("a; b", ["a", "b"]), /unexpected character ";"/);
  assert.throws(() => compileFormula("(".repeat(500) + "1" + ")".repeat(500), []), /nested too deeply/);
});

test("formula: names inherited by plain objects are neither constants nor functions", () => {
  assert.throws(() => compileFormula("a + constructor", ["a"]), /unknown name "constructor"/);
  assert.throws(() => compileFormula("__proto__", []), /unknown name "__proto__"/);
  assert.throws(() => compileFormula("toString(1)", []), /unknown function "toString"/);
  assert.throws(() => compileFormula("hasOwnProperty(1)", []), FormulaError);
});
