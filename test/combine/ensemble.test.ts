import assert from "node:assert/strict";
import { test } from "node:test";
import { cvar, ensembleReward } from "../../src/combine/ensemble.ts";
import { parseSpec, score } from "../../src/index.ts";

// Members [0.2, 0.9, 0.5, 0.4], by hand: mean 0.5; sorted 0.2 0.4 0.5 0.9 so median (0.4+0.5)/2 = 0.45;
// min 0.2; population std sqrt((0.09 + 0.16 + 0 + 0.01) / 4) = sqrt(0.065).
const M = [0.2, 0.9, 0.5, 0.4];
const STD = Math.sqrt(0.065);

test("ensemble methods by hand", () => {
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
  close(ensembleReward(M, { method: "mean" }).reward, 0.5);
  close(ensembleReward(M, { method: "median" }).reward, 0.45);
  close(ensembleReward([3, 1, 2], { method: "median" }).reward, 2);
  close(ensembleReward(M, { method: "min" }).reward, 0.2);
  close(ensembleReward(M, { method: "mean_minus_std", lambda: 2 }).reward, 0.5 - 2 * STD);
  close(ensembleReward(M, { method: "mean_min", lambda: 0.25 }).reward, 0.25 * 0.5 + 0.75 * 0.2);
  close(ensembleReward(M, { method: "mean" }).disagreement, STD);
});

test("cvar: the mean of the worst alpha share, splitting the boundary member", () => {
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
  close(cvar(M, 0.25), 0.2); // exactly the worst member
  close(cvar(M, 0.1), 0.2); // inside the worst member
  close(cvar(M, 0.375), (0.25 * 0.2 + 0.125 * 0.4) / 0.375); // worst member and half of the next
  close(cvar(M, 1), 0.5); // the whole distribution: the mean
  // a level below 1e-15 (valid: alpha is in (0, 1]) is still inside the worst member: the min, not 0
  close(cvar(M, 1e-16), 0.2);
  close(cvar([7, 5], 1e-300), 5);
});

test("combine: {type: ensemble} in a spec writes the reward and the disagreement", async () => {
  const spec = {
    rewards: { a: { type: "exact" }, b: { type: "contains" }, c: { type: "f1" } },
    combine: { type: "ensemble", method: "mean_minus_std", lambda: 1 },
  };
  const [rec] = await score(spec, [{ completion: "the cat", reference: "cat" }]);
  // exact 0, contains 1, f1 1 (SQuAD normalization drops the article "the")
  const v = [0, 1, 1];
  const mean = 2 / 3;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
  assert.ok(Math.abs(rec.reward! - (mean - std)) < 1e-12, String(rec.reward));
  assert.ok(Math.abs(rec.disagreement! - std) < 1e-12);
});

test("ensemble spec errors name the path", () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ type: "ensemble", method: "avg" }, /combine\.method: expected one of mean, median, min, mean_minus_std, mean_min, cvar/],
    [{ type: "ensemble", method: "cvar", alpha: 0 }, /combine\.alpha: expected a number in \(0, 1\]/],
    [{ type: "ensemble", method: "mean", lambda: 1 }, /combine\.lambda: only mean_minus_std and mean_min take lambda/],
    [{ type: "ensemble", method: "mean_min", lambda: 2 }, /combine\.lambda: expected a number in \[0, 1\]/],
    [{ type: "ensemble", method: "mean", extra: 1 }, /combine\.extra: unknown option/],
  ];
  for (const [combine, pattern] of bad) assert.throws(() => parseSpec({ rewards: { a: { type: "exact" } }, combine }), pattern);
  assert.throws(() => parseSpec({ rewards: { a: { type: "exact", weight: 2 } }, combine: { type: "ensemble", method: "mean" } }), /rewards\.a\.weight: ensemble members are equally weighted/);
});
