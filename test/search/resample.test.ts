import assert from "node:assert/strict";
import { test } from "node:test";
import { effectiveSampleSize, logitPotential, normalizeLogWeights, seededRandom, systematicResample } from "../../src/search/resample.ts";

test("systematic resampling: each index is drawn floor(n·w) or ceil(n·w) times", () => {
  const weights = [0.05, 0.3, 0.15, 0.5];
  for (let seed = 0; seed < 200; seed++) {
    const drawn = systematicResample(weights, 10, seededRandom(seed));
    assert.equal(drawn.length, 10);
    const counts = weights.map((_, i) => drawn.filter((d) => d === i).length);
    counts.forEach((c, i) => {
      assert.ok(c === Math.floor(10 * weights[i]) || c === Math.ceil(10 * weights[i]), `seed ${seed} index ${i}: ${c} draws for n·w = ${10 * weights[i]}`);
    });
    assert.deepEqual(drawn, [...drawn].sort((a, b) => a - b));
  }
});

test("systematic resampling: expected counts equal n·w over many seeds", () => {
  const weights = normalizeLogWeights([Math.log(1), Math.log(2), Math.log(3.5), Math.log(0.25), Math.log(7)]);
  const n = 6;
  const totals = new Array<number>(weights.length).fill(0);
  const seeds = 20_000;
  for (let seed = 0; seed < seeds; seed++) for (const i of systematicResample(weights, n, seededRandom(seed * 7919 + 1))) totals[i]++;
  totals.forEach((t, i) => {
    const mean = t / seeds;
    assert.ok(Math.abs(mean - n * weights[i]) < 0.02, `index ${i}: mean count ${mean}, expected ${n * weights[i]}`);
  });
});

test("weights, ESS and the logit potential", () => {
  const w = normalizeLogWeights([1000, 1000, 1000, 1000]);
  assert.deepEqual(w, [0.25, 0.25, 0.25, 0.25]);
  assert.equal(effectiveSampleSize(w), 4);
  assert.ok(Math.abs(effectiveSampleSize(normalizeLogWeights([0, -Infinity, -Infinity])) - 1) < 1e-12);
  assert.equal(logitPotential(0.5, 1), 0);
  assert.ok(Math.abs(logitPotential(0.9, 2) - Math.log(9) / 2) < 1e-12);
  assert.ok(Number.isFinite(logitPotential(1, 1)) && Number.isFinite(logitPotential(0, 1)));
  assert.ok(logitPotential(1, 1) > logitPotential(0.99, 1));
  const r1 = seededRandom(5);
  const r2 = seededRandom(5);
  assert.deepEqual([r1(), r1(), r1()], [r2(), r2(), r2()]);
});
