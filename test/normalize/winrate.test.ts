import assert from "node:assert/strict";
import { test } from "node:test";
import { roundRobin, singleElimination, winRates } from "../../src/normalize/winrate.ts";

test("win rates from pairwise outcomes, ties count a half", () => {
  // 0 beats 1, 0 ties 2, 2 beats 1: member 0 = (1 + 0.5)/2, member 1 = 0/2, member 2 = (0.5 + 1)/2; 3 never compared
  const r = winRates(4, [{ a: 0, b: 1, score: 1 }, { a: 0, b: 2, score: 0.5 }, { a: 1, b: 2, score: 0 }]);
  assert.deepEqual(Array.from(r), [0.75, 0, 0.75, NaN]);
  assert.throws(() => winRates(2, [{ a: 0, b: 0, score: 1 }]), /bad pair/);
  assert.throws(() => winRates(2, [{ a: 0, b: 1, score: 2 }]), /in \[0, 1\]/);
});

const strength = [3, 7, 1, 5, 2, 8, 4, 6];
const stronger = (a: number, b: number) => (strength[a] > strength[b] ? 1 : 0);

test("round robin: reward = wins / (N - 1), ordered by strength", async () => {
  const r = await roundRobin(strength.length, stronger);
  // the member of strength s beats s - 1 others out of 7
  assert.deepEqual(Array.from(r), strength.map((s) => (s - 1) / 7));
});

test("single elimination: N - 1 comparisons, the strongest wins, seeded and repeatable", async () => {
  const t = await singleElimination(strength.length, stronger, 42);
  assert.equal(t.comparisons, 7);
  assert.equal(t.rounds, 3);
  assert.equal(t.rewards[5], 1); // strength 8 never loses
  assert.equal(Array.from(t.rewards).filter((v) => v === 0).length, 4); // first-round losers
  assert.deepEqual(Array.from((await singleElimination(strength.length, stronger, 42)).rewards), Array.from(t.rewards));
  // five members: byes; still N - 1 comparisons and ceil(log2 5) = 3 rounds
  const five = await singleElimination(5, stronger, 1);
  assert.equal(five.comparisons, 4);
  assert.equal(five.rounds, 3);
  assert.equal(five.rewards[1], 1); // strength 7 is the strongest of the first five
});

test("single elimination refuses a comparison score outside [0, 1] as round robin does", async () => {
  // a failed judge returning NaN used to make b advance silently
  await assert.rejects(singleElimination(4, () => NaN, 1), /in \[0, 1\], found NaN/);
  await assert.rejects(singleElimination(4, () => 2, 1), /in \[0, 1\], found 2/);
  await assert.rejects(roundRobin(3, () => NaN), /in \[0, 1\]/);
});
