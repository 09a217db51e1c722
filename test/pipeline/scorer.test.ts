import assert from "node:assert/strict";
import { test } from "node:test";
import { RewardRegistry } from "../../src/core/registry.ts";
import { SpecError } from "../../src/core/errors.ts";
import { failed, ok, unscorable } from "../../src/core/types.ts";
import { builtinRegistry } from "../../src/rewards/index.ts";
import { parseSpec } from "../../src/spec/parse.ts";
import { createScorer, score } from "../../src/pipeline/score.ts";
import { z } from "zod";

/** A registry with a scripted reward: the record's meta.script says what it returns. */
function scriptedRegistry(): RewardRegistry {
  return builtinRegistry().register({
    type: "scripted",
    description: "test reward",
    options: z.strictObject({ key: z.string() }),
    create: (o, { name }) => ({
      name,
      type: "scripted",
      async score(samples) {
        await new Promise((r) => setTimeout(r, 1));
        return samples.map((s) => {
          const v = (s.meta?.[o.key] ?? null) as number | string | null;
          if (v === "error") return failed(`${o.key} broke`);
          if (v === "unscorable") return unscorable(`${o.key} cannot tell`);
          return ok(Number(v));
        });
      },
    }),
  });
}

async function combine(combineSpec: unknown, records: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  const registry = scriptedRegistry();
  const spec = parseSpec({ rewards: { a: { type: "scripted", key: "a", weight: 2 }, b: { type: "scripted", key: "b" } }, combine: combineSpec, ...extra }, { registry });
  return score(spec, records.map((r) => ({ completion: "x", ...r })), registry);
}

test("combinators: weighted_sum uses weights; min, max, product use raw rewards", async () => {
  const rec = [{ a: 0.5, b: 0.25 }];
  assert.equal((await combine("weighted_sum", rec))[0].reward, 1.25);
  assert.equal((await combine("min", rec))[0].reward, 0.25);
  assert.equal((await combine("max", rec))[0].reward, 0.5);
  assert.equal((await combine("product", rec))[0].reward, 0.125);
});

test("combinators: gate passes the rest through, or gives the floor with a reason", async () => {
  const out = await combine({ type: "gate", gates: { b: 1 }, floor: -1 }, [{ a: 0.5, b: 1 }, { a: 0.5, b: 0 }]);
  assert.equal(out[0].reward, 1); // weighted_sum of a alone: 2 * 0.5
  assert.deepEqual([out[1].reward, out[1].status, out[1].reason], [-1, "ok", "gate b not passed (0 < 1)"]);
});

test("combinators: formula over component names", async () => {
  const out = await combine({ formula: "a * (b > 0) + 0.1 * b" }, [{ a: 1, b: 0.5 }, { a: 1, b: 0 }]);
  assert.deepEqual(out.map((o) => o.reward), [1.05, 0]);
  const div = await combine({ formula: "a / b" }, [{ a: 1, b: 0 }]);
  assert.equal(div[0].status, "error");
  assert.match(div[0].reason!, /not a finite number/);
});

test("status propagation: error beats unscorable; reasons name the components", async () => {
  const out = await combine("weighted_sum", [{ a: "error", b: "unscorable" }, { a: 1, b: "unscorable" }]);
  assert.deepEqual([out[0].reward, out[0].status, out[0].reason], [null, "error", "a: a broke; b: b cannot tell"]);
  assert.deepEqual([out[1].reward, out[1].status, out[1].reason], [null, "unscorable", "b: b cannot tell"]);
  assert.equal(out[1].components!.a.reward, 1);
});

test("status propagation: on_error zero counts a failure as 0, skip leaves it out", async () => {
  const zero = await combine("weighted_sum", [{ a: "error", b: 0.5 }], { on_error: "zero" });
  assert.deepEqual([zero[0].reward, zero[0].status], [0.5, "ok"]);
  const skip = await combine("min", [{ a: "error", b: 0.5 }], { on_error: "skip" });
  assert.deepEqual([skip[0].reward, skip[0].status], [0.5, "ok"]);
  const allSkipped = await combine("min", [{ a: "error", b: "error" }], { on_error: "skip" });
  assert.equal(allSkipped[0].status, "error");
  assert.match(allSkipped[0].reason!, /every component was skipped/);
  // on_error does not cover unscorable: that has its own policy
  const uns = await combine("weighted_sum", [{ a: "unscorable", b: 0.5 }], { on_error: "zero" });
  assert.equal(uns[0].status, "unscorable");
  const unsZero = await combine("weighted_sum", [{ a: "unscorable", b: 0.5 }], { on_unscorable: "zero" });
  assert.equal(unsZero[0].reward, 0.5);
});

test("status propagation: a per-reward on_error overrides the spec's", async () => {
  const registry = scriptedRegistry();
  const spec = parseSpec({ rewards: { a: { type: "scripted", key: "a", on_error: "zero" }, b: { type: "scripted", key: "b" } } }, { registry });
  const out = await score(spec, [{ completion: "x", a: "error", b: 1 }, { completion: "x", a: 1, b: "error" }], registry);
  assert.deepEqual(out.map((o) => o.status), ["ok", "error"]);
});

test("gate: a skipped gate is not checked", async () => {
  const out = await combine({ type: "gate", gates: ["b"] }, [{ a: 1, b: "error" }], { on_error: "skip" });
  assert.deepEqual([out[0].reward, out[0].status], [2, "ok"]);
});

test("gate: when every reward is a gate and every gate is skipped, nothing passed: no reward of 1", async () => {
  const out = await combine({ type: "gate", gates: ["a", "b"] }, [{ a: "error", b: "error" }, { a: 1, b: "error" }], { on_error: "skip" });
  assert.deepEqual([out[0].reward, out[0].status], [null, "error"]);
  assert.match(out[0].reason!, /every component was skipped/);
  assert.deepEqual([out[1].reward, out[1].status], [1, "ok"]);
});

test("gate: a reward named like an Object.prototype property is not taken for a gate", async () => {
  const spec = parseSpec({ rewards: { constructor: { type: "exact" }, format: { type: "tags", tags: ["answer"] } }, combine: { type: "gate", gates: ["format"] } });
  const out = await score(spec, [{ completion: "<answer>4</answer>", reference: "<answer>4</answer>" }]);
  assert.deepEqual([out[0].reward, out[0].status], [1, "ok"]);
});

test("score: a plain document with rewards as a list is a spec error, even with a combine mapping", async () => {
  await assert.rejects(score({ rewards: [{ type: "exact" }], combine: { type: "min" } }, [{ completion: "a" }]), (e: Error) => e instanceof SpecError && /rewards: expected a mapping, found a list/.test(e.message));
});

test("scorer: field renames (including dotted paths), meta pass-through, ids and bad records", async () => {
  const spec = parseSpec({ fields: { completion: "response", reference: "gold.answer", id: "uid" }, rewards: { m: { type: "exact" } } });
  const out = await score(spec, [
    { uid: 7, response: "4", gold: { answer: "4" } },
    { uid: "x", response: "5", gold: { answer: "4" } },
    { uid: "y", completion: "4" },
    { uid: "z", response: 4 },
    [1, 2],
  ]);
  assert.deepEqual(out.map((o) => [o.id, o.reward, o.status]), [[7, 1, "ok"], ["x", 0, "ok"], ["y", null, "error"], ["z", null, "error"], [null, null, "error"]]);
  assert.equal(out[2].reason, 'missing the completion (field "response")');
  assert.match(out[3].reason!, /must be a string or a list of chat messages, found number/);
  assert.equal(out[4].reason, "a record must be a JSON object, found a list");
});

test("scorer: extra fields reach rewards as meta", async () => {
  const registry = scriptedRegistry();
  const out = await score({ rewards: { a: { type: "scripted", key: "difficulty" } } }, [{ completion: "x", difficulty: 3 }], registry);
  assert.equal(out[0].reward, 3);
});

test("scorer: a reward that throws fails its records with the message, others still score", async () => {
  const registry = builtinRegistry().register({
    type: "boom",
    description: "throws",
    options: z.strictObject({}),
    create: (_o, { name }) => ({ name, type: "boom", score: () => { throw new Error("pool died"); } }),
  });
  const scorer = createScorer({ rewards: { a: { type: "boom" }, b: { type: "exact" } }, on_error: "skip" }, registry);
  const out = await scorer.scoreRecords([{ completion: "4", reference: "4" }]);
  assert.deepEqual([out[0].reward, out[0].components!.a.reason], [1, "boom failed: pool died"]);
});

test("scorer: a reward's malformed result fails only that record; a non-ok result never carries a number", async () => {
  const registry = builtinRegistry().register({
    type: "sloppy",
    description: "returns malformed results",
    options: z.strictObject({}),
    create: (_o, { name }) => ({
      name,
      type: "sloppy",
      score: () => [undefined, { reward: 0.5, status: "error", reason: "half broken" }, ok(1), { reward: 1, status: "maybe" }] as never,
    }),
  });
  const scorer = createScorer({ rewards: { a: { type: "sloppy" } } }, registry);
  try {
    const out = await scorer.scoreRecords([{ completion: "1" }, { completion: "2" }, { completion: "3" }, { completion: "4" }]);
    assert.deepEqual(out.map((o) => [o.status, o.reward]), [["error", null], ["error", null], ["ok", 1], ["error", null]]);
    assert.match(out[0].reason!, /sloppy returned an invalid result/);
    assert.deepEqual(out[1].components!.a, { reward: null, status: "error", reason: "half broken" });
    assert.match(out[3].reason!, /invalid result/);
  } finally {
    await scorer.close();
  }
});

test("scorer: a chat message whose content is neither text, parts nor null is an error, not a silent 0", async () => {
  const spec = parseSpec({ rewards: { m: { type: "exact" } } });
  const out = await score(spec, [
    { completion: [{ role: "assistant", content: "4" }], reference: "4" },
    { completion: [{ role: "assistant", content: [{ type: "text", text: "4" }] }], reference: "4" },
    { completion: [{ role: "assistant", content: null, tool_calls: [] }], reference: "4" },
    { completion: [{ role: "assistant", content: { text: "4" } }], reference: "4" },
    { completion: [{ role: "assistant", content: 4 }], reference: "4" },
    { prompt: [{ role: "user", content: 7 }], completion: "4", reference: "4" },
  ]);
  assert.deepEqual(out.map((o) => [o.status, o.reward]), [["ok", 1], ["ok", 1], ["ok", 0], ["error", null], ["error", null], ["error", null]]);
  assert.match(out[3].reason!, /the completion \(field "completion"\) must be a string or a list of chat messages/);
  assert.match(out[5].reason!, /the prompt \(field "prompt"\)/);
});
