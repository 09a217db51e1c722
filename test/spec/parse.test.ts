import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecError } from "../../src/core/errors.ts";
import { loadSpec, parseSpec } from "../../src/spec/parse.ts";
import { writeFiles } from "../helpers.ts";

function specIssues(doc: unknown): string[] {
  try {
    parseSpec(doc, { file: "s.yaml" });
  } catch (err) {
    assert.ok(err instanceof SpecError);
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail("expected a SpecError");
}

test("spec: defaults (weight 1, weighted_sum, propagate)", () => {
  const spec = parseSpec({ rewards: { a: { type: "exact" } } });
  assert.equal(spec.rewards[0].weight, 1);
  assert.equal(spec.rewards[0].onError, "propagate");
  assert.deepEqual(spec.combine, { type: "weighted_sum" });
});

test("spec: errors name the path, what was expected and what was found", () => {
  assert.deepEqual(specIssues({ rewards: { format: { type: "regex", pattern: 5 } } }), ["rewards.format.pattern: expected string, found 5"]);
  assert.deepEqual(specIssues({ rewards: { f: { type: "regex" } } }), ["rewards.f.pattern: expected string, found nothing (missing)"]);
  assert.deepEqual(specIssues({ rewards: { f: { type: "exact", weight: "high" } } }), ['rewards.f.weight: expected number, found "high"']);
  assert.deepEqual(specIssues({ rewards: { f: { type: "exact", ignore_cas: true } } }), ["rewards.f.ignore_cas: unknown option (not allowed here)"]);
  assert.deepEqual(specIssues({ rewards: { f: { type: "tags", score: "half" } } }), ['rewards.f.score: expected one of "binary", "partial", found "half"']);
  assert.match(specIssues({ rewards: { f: { type: "nope" } } })[0], /^rewards\.f\.type: expected one of code, .*contains, exact, .*found "nope"$/);
  assert.deepEqual(specIssues({ rewards: {} }), ["rewards: expected at least one reward, found none"]);
  assert.deepEqual(specIssues({ rewards: { "my-reward": { type: "exact" } } }).length, 1);
  assert.deepEqual(specIssues({ rewardz: {} }), ["rewards: expected a mapping, found nothing (missing)", "rewardz: unknown option (not allowed here)"]);
  assert.deepEqual(specIssues([1]), [': expected a mapping with a "rewards" key, found a list (1 items)']);
});

test("spec: several problems are reported together", () => {
  const issues = specIssues({ rewards: { a: { type: "regex" }, b: { type: "exact", weight: "x" } }, combine: "avg" });
  assert.equal(issues.length, 3);
  assert.match(issues[2], /^combine: expected one of weighted_sum, min, max, product, gate, formula, ensemble, found "avg"/);
});

test("spec: combine forms", () => {
  const rewards = { correct: { type: "exact" }, format: { type: "tags" } };
  assert.deepEqual(parseSpec({ rewards, combine: "min" }).combine, { type: "min" });
  assert.deepEqual(parseSpec({ rewards, combine: { formula: "correct * format" } }).combine, { type: "formula", formula: "correct * format" });
  assert.deepEqual(parseSpec({ rewards, combine: { type: "gate", gates: ["format"] } }).combine, { type: "gate", gates: { format: 1 }, floor: 0, then: "weighted_sum" });
  assert.deepEqual(parseSpec({ rewards, combine: { type: "gate", gates: { format: 0.5 }, floor: -1, then: "max" } }).combine, { type: "gate", gates: { format: 0.5 }, floor: -1, then: "max" });
  assert.deepEqual(specIssues({ rewards, combine: { formula: "correct * fmt" } }), ['combine.formula: unknown name "fmt" (rewards in this spec: correct, format) at character 11']);
  assert.deepEqual(specIssues({ rewards, combine: { type: "gate", gates: ["style"] } }), ['combine.gates: expected names of rewards in this spec (correct, format), found "style"']);
  assert.deepEqual(specIssues({ rewards, combine: { type: "gate", gates: ["format"], flor: 0 } }), ["combine.flor: unknown option (not allowed here)"]);
  assert.match(specIssues({ rewards, combine: "gate" })[0], /needs options/);
  assert.match(specIssues({ rewards: { a: { type: "exact", on_error: "skip" } }, combine: { formula: "a" } })[0], /^combine.formula: a formula needs every value/);
});

test("spec: a bad normalize block names the path", () => {
  assert.deepEqual(specIssues({ rewards: { a: { type: "exact" } }, normalize: { type: "nope" } }), [
    'normalize.type: expected one of "grpo", "dr_grpo", "rloo", "reinforce_baseline", "rank", "batch", "none", found "nope"',
  ]);
});

test("spec: field renames must name contract fields", () => {
  assert.deepEqual(parseSpec({ fields: { completion: "response" }, rewards: { a: { type: "exact" } } }).fields, { completion: "response" });
  assert.deepEqual(specIssues({ fields: { answer: "x" }, rewards: { a: { type: "exact" } } }), ["fields.answer: unknown option (not allowed here)"]);
});

test("loadSpec: YAML and JSON files; errors name the file", () => {
  const dir = writeFiles({
    "ok.yaml": "rewards:\n  a: {type: exact}\n",
    "ok.json": '{"rewards": {"a": {"type": "exact"}}}',
    "bad.yaml": "rewards:\n  a: {type: exact\n",
    "dup.yaml": "rewards:\n  a: {type: exact}\n  a: {type: tags}\n",
  });
  assert.equal(loadSpec(`${dir}/ok.yaml`).rewards[0].type, "exact");
  assert.equal(loadSpec(`${dir}/ok.json`).dir, dir);
  assert.throws(() => loadSpec(`${dir}/bad.yaml`), (e: Error) => e instanceof SpecError && e.message.includes(`${dir}/bad.yaml`) && /not valid YAML/.test(e.message));
  assert.throws(() => loadSpec(`${dir}/dup.yaml`), /not valid YAML/);
  assert.throws(() => loadSpec(`${dir}/missing.yaml`), /cannot read the file/);
});

test("loadSpec: YAML anchors, aliases and << merge keys (shared reward settings)", () => {
  const dir = writeFiles({
    "merge.yaml": "rewards:\n  a: &base {type: exact, ignore_case: true}\n  b: {<<: *base, collapse_whitespace: false}\n  c: *base\n",
  });
  const spec = loadSpec(`${dir}/merge.yaml`);
  assert.deepEqual(spec.rewards.map((r) => [r.name, r.type, (r.options as { ignore_case: boolean }).ignore_case, (r.options as { collapse_whitespace: boolean }).collapse_whitespace]), [
    ["a", "exact", true, true],
    ["b", "exact", true, false],
    ["c", "exact", true, true],
  ]);
});

test("spec: a non-finite number is reported as such, not as null", () => {
  assert.deepEqual(specIssues({ rewards: { f: { type: "exact", weight: Number.NaN } } }), ["rewards.f.weight: expected number, found NaN"]);
  assert.deepEqual(specIssues({ rewards: { f: { type: "exact", weight: Infinity } } }), ["rewards.f.weight: expected number, found Infinity"]);
});

test("spec: combine names inherited by plain objects are refused, not crashes or silently dropped gates", () => {
  const rewards = { correct: { type: "exact" }, format: { type: "tags" } };
  assert.match(specIssues({ rewards, combine: { type: "constructor" } })[0], /^combine.type: expected one of weighted_sum, .*found "constructor"/);
  assert.match(specIssues({ rewards, combine: { type: "toString", x: 1 } }).join("\n"), /combine.type: expected one of/);
  assert.deepEqual(specIssues({ rewards, combine: { type: "gate", gates: ["__proto__"] } }), ['combine.gates: expected names of rewards in this spec (correct, format), found "__proto__"']);
});
