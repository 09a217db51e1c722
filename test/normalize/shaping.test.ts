import assert from "node:assert/strict";
import { test } from "node:test";
import { score } from "../../src/index.ts";
import { normalizeSchema } from "../../src/normalize/spec.ts";
import { clip, COSINE_DEFAULTS, correctLengthBias, cosineLengthReward, isotonicFit, overlongPenalty, preferenceAsReward } from "../../src/normalize/shaping.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test("PAR: sigmoid(r - r_ref), 1/2 at the reference, bounded", () => {
  close(preferenceAsReward(2, 2), 0.5);
  close(preferenceAsReward(1, 0), 1 / (1 + Math.exp(-1)));
  assert.ok(preferenceAsReward(1000, 0) <= 1 && preferenceAsReward(-1000, 0) >= 0);
});

test("clip and DAPO overlong penalty", () => {
  assert.deepEqual([clip(-3, -1, 1), clip(0.5, -1, 1), clip(3, -1, 1), clip(3)], [-1, 0.5, 1, 3]);
  // max 100, buffer 20: 0 up to 80, then linear to -1 at 100, -1 beyond
  assert.deepEqual([overlongPenalty(80, 100, 20), overlongPenalty(90, 100, 20), overlongPenalty(100, 100, 20), overlongPenalty(150, 100, 20)], [0, -0.5, -1, -1]);
});

test("cosine length scaling (Yeo et al. defaults 2/1 correct, -10/0 wrong, -10 exceed)", () => {
  const c = { max: 100, ...COSINE_DEFAULTS };
  close(cosineLengthReward(0, true, c), 2);
  close(cosineLengthReward(50, true, c), 1.5); // 1 + (2 - 1)(1 + cos(pi/2))/2
  close(cosineLengthReward(0, false, c), -10);
  close(cosineLengthReward(50, false, c), -5);
  close(cosineLengthReward(100, true, c), -10);
});

test("isotonic fit (pool adjacent violators) and length-bias correction", () => {
  // y = [1, 3, 2, 4] on x = [1, 2, 3, 4]: the violation 3 > 2 pools to 2.5
  const fit = isotonicFit(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 3, 2, 4]));
  assert.deepEqual(Array.from(fit.fitted), [1, 2.5, 2.5, 4]);
  assert.deepEqual([fit.at(0), fit.at(2.5), fit.at(9)], [1, 2.5, 4]);
  const dec = isotonicFit(Float64Array.from([1, 2, 3]), Float64Array.from([3, 1, 2]), false);
  assert.deepEqual(Array.from(dec.fitted), [3, 1.5, 1.5]);
  // r' = r - f(len) + mean(f): mean f = 2.5
  const corrected = correctLengthBias(Float64Array.from([1, 3, 2, 4]), Float64Array.from([1, 2, 3, 4]));
  assert.deepEqual(Array.from(corrected), [2.5, 3, 2, 2.5]);
  // a calibration set instead of the batch: f fitted on it, evaluated at the batch's lengths
  const calibrated = correctLengthBias(Float64Array.from([1, 1]), Float64Array.from([1, 10]), { calibration: { lengths: Float64Array.from([1, 10]), rewards: Float64Array.from([0, 1]) } });
  assert.deepEqual(Array.from(calibrated), [1.5, 0.5]);
});

test("shaping steps in the spec run in order before normalization; a missing length is reported", async () => {
  const spec = {
    rewards: { c: { type: "exact" } },
    normalize: { type: "none", shaping: [{ type: "cosine", max: 100, length: { field: "tokens" } }, { type: "scale", factor: 0.5 }, { type: "clip", min: -1 }] },
  };
  const out = await score(spec, [
    { group: 1, completion: "a", reference: "a", tokens: 50 }, // correct: 1.5, * 0.5 = 0.75
    { group: 1, completion: "a", reference: "b", tokens: 50 }, // wrong: -5, * 0.5 = -2.5, clipped to -1
    { group: 1, completion: "a", reference: "a" },
  ]);
  assert.deepEqual(out.map((o) => o.shaped_reward), [0.75, -1, null]);
  assert.deepEqual(out.map((o) => o.advantage), [0.75, -1, null]);
  assert.match(out[2].advantage_reason!, /shaping needs its length/);
});

test("normalize none needs no group: a record missing a shaping input is not also said to lack a group key", async () => {
  const spec = { rewards: { c: { type: "exact" } }, normalize: { type: "none", shaping: [{ type: "overlong", max: 10, buffer: 2, length: { field: "tokens" } }] } };
  const out = await score(spec, [{ completion: "a", reference: "a" }, { completion: "a", reference: "a", tokens: -4 }]);
  assert.equal(out[0].advantage_reason, "shaping needs its length (the length field is missing or not a number >= 0)");
  assert.deepEqual([out[1].shaped_reward, out[1].advantage_reason], [null, "shaping needs its length (the length field is missing or not a number >= 0)"]);
});

test("shaping bounds that turn every reward into one constant are spec errors", () => {
  const issues = (step: Record<string, unknown>) => {
    const r = normalizeSchema.safeParse({ type: "grpo", shaping: [{ type: "scale", factor: 2 }, step] });
    return r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };
  assert.deepEqual(issues({ type: "clip", min: 1, max: 0 }), ["shaping.1.max: a number >= min (1)"]);
  assert.deepEqual(issues({ type: "overlong", max: 10, buffer: 20 }), ["shaping.1.buffer: a number <= max (10)"]);
  assert.equal(issues({ type: "clip", min: 0, max: 0 }), undefined);
  assert.equal(issues({ type: "overlong", max: 10, buffer: 10 }), undefined);
});

test("group_by prompt or group: a record without that key is told which key it lacks", async () => {
  const rewards = { c: { type: "exact" } };
  const byPrompt = await score({ rewards, normalize: { type: "grpo", group_by: "prompt" } }, [{ group: "g", completion: "a", reference: "a" }]);
  assert.equal(byPrompt[0].advantage_reason, "no group key: the record has no prompt (group_by: prompt)");
  const byGroup = await score({ rewards, normalize: { type: "grpo", group_by: "group" } }, [{ prompt: "p", completion: "a", reference: "a" }]);
  assert.equal(byGroup[0].advantage_reason, "no group key: the record has no group (group_by: group)");
});
