import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecError } from "../../src/core/errors.ts";
import { parseSpec } from "../../src/spec/parse.ts";

const rewards = { correct: { type: "exact" }, format: { type: "tags" } };
const issues = (combine: unknown): string[] => {
  try {
    parseSpec({ rewards, combine });
    return [];
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
};

test("combine schema: each wrong shape names its path, what was expected and what was found", () => {
  assert.deepEqual(issues({ type: "gate", gates: { format: "high" } }), ['combine.gates.format: expected a threshold number, found "high"']);
  assert.deepEqual(issues({ type: "gate", gates: 3 }), ["combine.gates: expected the gate reward names (a list, or a mapping name: threshold), found 3"]);
  assert.deepEqual(issues({ type: "gate", gates: ["format"], then: "avg" }), ['combine.then: expected one of "weighted_sum", "min", "max", "product", found "avg"']);
  assert.deepEqual(issues({ type: "formula", formula: "  " }), ['combine.formula: expected an expression over reward names, found "  "']);
  assert.deepEqual(issues(5), ["combine: expected a mapping, found 5"]);
  assert.deepEqual(issues({ type: "ensemble", method: "cvar", alpha: 0.2, lambda: 1 }), ["combine.lambda: only mean_minus_std and mean_min take lambda, found it with cvar"]);
});

test("combine schema: a gate mapping keeps every name as written, __proto__ too (refused, not dropped)", () => {
  const doc = JSON.parse('{"type": "gate", "gates": {"__proto__": 1, "format": 0.5}}');
  assert.deepEqual(issues(doc), ['combine.gates: expected names of rewards in this spec (correct, format), found "__proto__"']);
  assert.deepEqual(parseSpec({ rewards, combine: { type: "gate", gates: { format: 0.5 } } }).combine, { type: "gate", gates: { format: 0.5 }, floor: 0, then: "weighted_sum" });
});
