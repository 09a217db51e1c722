import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { stringify } from "yaml";
import { SpecError } from "../../src/core/errors.ts";
import { parseSpec, parseSpecText } from "../../src/spec/parse.ts";
import { createScorer } from "../../src/pipeline/score.ts";
import { runCli, tempDir } from "../helpers.ts";
import { propertySettings } from "./generators.ts";

/**
 * Generated specs, valid and broken: each is either a spec error that names the file and a path,
 * or a spec that compiles and scores. Nothing else may escape (no TypeError, no stack trace).
 */
const TYPES = ["exact", "contains", "regex", "f1", "json", "length", "tags", "steps", "math", "similarity", "grounding", "toolcall", "nonsense", ""];
const oddNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, -1, 1e308), fc.integer());
const oddValue = fc.oneof(oddNumber, fc.string({ maxLength: 10 }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const name = fc.oneof(fc.constantFrom("correct", "format", "a", "_b", "x1"), fc.string({ maxLength: 6 }), fc.constantFrom("__proto__", "constructor", "1bad", "a-b"));

const reward = fc.record(
  { type: fc.constantFrom(...TYPES), weight: oddNumber, on_error: fc.constantFrom("propagate", "zero", "skip", "explode"), pattern: fc.constantFrom("\\d+", "(", "(a+)+$"), tags: fc.constantFrom(["think"], [], "think"), metric: fc.constantFrom("bleu", "iou", "nope"), extra: oddValue },
  { requiredKeys: ["type"] },
);

/** Formulas over the reward names, nested deep enough to hit recursion limits. */
const formula = fc.oneof(
  fc.constantFrom("correct * (format > 0)", "a +", "max(a, _b)", "nope(1)", "1/0", "correct ? 1 : 0", ""),
  fc.integer({ min: 1, max: 5000 }).map((d) => "(".repeat(d) + "a" + ")".repeat(d)),
  fc.integer({ min: 1, max: 3000 }).map((d) => Array.from({ length: d }, () => "a").join("+")),
);

const combine = fc.oneof(
  fc.constantFrom("weighted_sum", "min", "max", "product", "gate", "mean", 7, null),
  formula.map((f) => ({ formula: f })),
  fc.record({ type: fc.constantFrom("gate", "ensemble", "formula", "weighted_sum"), gates: fc.dictionary(name, oddNumber, { maxKeys: 2 }), floor: oddNumber, method: fc.constantFrom("mean", "cvar", "x"), alpha: oddNumber }, { requiredKeys: [] }),
);

const normalize = fc.oneof(
  fc.constant(undefined),
  fc.record({ type: fc.constantFrom("grpo", "rloo", "rank", "bogus"), preset: fc.constantFrom("verl", "trl", "x"), group_size: oddNumber, zero_variance: fc.constantFrom("flag", "drop", 1) }, { requiredKeys: [] }),
);

const validReward = fc.tuple(
  fc.constantFrom<Record<string, unknown>>(
    { type: "exact", ignore_case: true },
    { type: "contains", mode: "any" },
    { type: "regex", pattern: "\\d+" },
    { type: "f1" },
    { type: "tags", tags: ["think", "answer"] },
    { type: "length", form: "range", unit: "words", max: 50 },
    { type: "math" },
    { type: "similarity", metric: "bleu" },
  ),
  fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constant(undefined)),
  fc.constantFrom(undefined, "zero", "skip", "propagate"),
).map(([r, weight, onError]) => ({ ...r, ...(weight === undefined ? {} : { weight }), ...(onError === undefined ? {} : { on_error: onError }) }));

/** Mostly usable specs (so scoring is exercised), with a broken part mixed in now and then. */
const plausibleDocument = fc.record(
  {
    rewards: fc.record({ correct: validReward, format: validReward }, { requiredKeys: ["correct"] }),
    combine: fc.oneof(fc.constantFrom("weighted_sum", "min", "max", "product", undefined), fc.constantFrom({ formula: "correct * 2" }, { type: "gate", gates: { correct: 1 }, floor: 0 }, { type: "ensemble", method: "mean" }), combine),
    normalize: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.constantFrom({ type: "grpo", preset: "verl" }, { type: "rank" }), normalize),
  },
  { requiredKeys: ["rewards"] },
);

const hostileDocument = fc.record(
  { rewards: fc.dictionary(name, reward, { maxKeys: 3 }), combine, normalize, fields: fc.oneof(fc.constant({ completion: "response" }), fc.dictionary(fc.string({ maxLength: 5 }), oddValue, { maxKeys: 2 })), on_unscorable: fc.constantFrom("zero", "skip", 3), unknown_key: oddValue },
  { requiredKeys: [] },
);

/** YAML texts that attack the parser: alias bombs, deep nesting, duplicate keys, tabs, binary. */
const hostileText = fc.oneof(
  fc.integer({ min: 4, max: 9 }).map((levels) => {
    let text = 'l0: &l0 ["x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 1; i < levels; i++) text += `l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(",")}]\n`;
    return text + "rewards:\n  r: {type: exact}\n";
  }),
  fc.integer({ min: 100, max: 20_000 }).map((d) => "rewards: " + "[".repeat(d) + "]".repeat(d)),
  fc.constantFrom("rewards:\n  a: {type: exact}\n  a: {type: f1}\n", "rewards:\n\t- x", "\u0000\u0001", "---\n---\n", "rewards: !!js/function 'x'", "{", "[]", "null", "rewards: *missing"),
  fc.string({ maxLength: 200 }),
);

function checkOutcome(run: () => void, where: string): void {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof SpecError, `${where}: expected a SpecError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.ok(err.issues.length > 0 && err.issues.every((i) => typeof i.path === "string" && i.message.length > 0), `${where}: a spec error must name a path and say what is wrong`);
    assert.equal(err.file, "spec.yaml");
  }
}

test("fuzz: generated spec documents are a spec error naming a path, or a spec that compiles and scores", async () => {
  let valid = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(plausibleDocument, hostileDocument), async (doc) => {
      let spec: ReturnType<typeof parseSpec> | undefined;
      checkOutcome(() => {
        spec = parseSpec(parseSpecText(stringify(doc), "spec.yaml"), { file: "spec.yaml" });
      }, JSON.stringify(doc).slice(0, 300));
      valid += spec ? 1 : 0;
      if (!spec) return;
      const scorer = createScorer(spec);
      try {
        const out = await scorer.scoreRecords([{ id: 1, completion: "<think>a</think><answer>4</answer>", response: "4", reference: "4" }, 7]);
        assert.equal(out.length, 2);
      } finally {
        await scorer.close();
      }
    }),
    propertySettings(300),
  );
  assert.ok(valid >= 60, `only ${valid} of 300 generated specs were valid: the generator no longer exercises scoring`);
});

test("fuzz: hostile YAML texts are spec errors, never unexpected failures", () => {
  fc.assert(
    fc.property(hostileText, (text) => checkOutcome(() => parseSpec(parseSpecText(text, "spec.yaml"), { file: "spec.yaml" }), text.slice(0, 120))),
    propertySettings(200),
  );
});

test("an alias-bomb spec: validate and score exit 2 with a message naming the file", async () => {
  const dir = tempDir();
  const file = join(dir, "bomb.yaml");
  let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
  for (const [i, prev] of ["b", "c", "d", "e", "f", "g"].entries()) text += `${prev}: &${prev} [${Array(9).fill(`*${"abcdefg"[i]}`).join(",")}]\n`;
  writeFileSync(file, text + "rewards:\n  x: {type: exact}\n");
  for (const args of [["validate", "--spec", file], ["score", "--spec", file]]) {
    const r = await runCli(args, { input: '{"completion": "a", "reference": "a"}\n' });
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, /bomb\.yaml/);
    assert.match(r.stderr, /alias/i);
    assert.doesNotMatch(r.stderr, /unexpected failure|    at /);
  }
});
