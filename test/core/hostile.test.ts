import assert from "node:assert/strict";
import { test } from "node:test";
import { perSample } from "../../src/core/reward.ts";
import { referenceText } from "../../src/core/text.ts";
import { ok } from "../../src/core/types.ts";
import { score } from "../../src/pipeline/score.ts";

const deeplyNested = JSON.parse("[".repeat(100_000) + "]".repeat(100_000));

test("perSample: a record on which the reward throws is an error; the rest of the batch scores", () => {
  const reward = perSample("r", "boom", (s) => {
    if (s.completion === "bad") throw new RangeError("Maximum call stack size exceeded");
    return ok(1);
  });
  const out = reward.score([{ completion: "a" }, { completion: "bad" }, { completion: "b" }]) as ReturnType<typeof ok>[];
  assert.deepEqual(out.map((r) => r.status), ["ok", "error", "ok"]);
  assert.equal(out[1].reason, "boom failed on this record: Maximum call stack size exceeded");
});

test("referenceText: a reference too deep to write as JSON is treated as unusable, not a crash", () => {
  assert.equal(referenceText(deeplyNested), undefined);
  assert.equal(referenceText({ a: [1] }), '{"a":[1]}');
});

test("math: a hostile reference in a batch does not fail the other records", async () => {
  const out = await score({ rewards: { m: { type: "math" } } }, [
    { completion: "The answer is $\\boxed{2}$.", reference: "2" },
    { completion: "The answer is $\\boxed{2}$.", reference: deeplyNested },
    { completion: "#### 7", reference: "7" },
  ]);
  assert.deepEqual(out.map((o) => [o.status, o.reward]), [["ok", 1], ["unscorable", null], ["ok", 1]]);
});

test("a numeric reference beyond float range (1e400 parses as Infinity) is unusable, not the text \"Infinity\"", async () => {
  const records = JSON.parse('[{"completion": "Infinity", "reference": 1e400}, {"completion": "\\\\boxed{\\\\infty}", "reference": -1e400}, {"completion": "42", "reference": 42}]');
  for (const type of ["exact", "math", "f1"]) {
    const out = await score({ rewards: { r: { type } } }, records);
    assert.deepEqual(out.map((o) => o.status), ["unscorable", "unscorable", "ok"], type);
  }
});
