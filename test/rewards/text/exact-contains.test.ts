import assert from "node:assert/strict";
import { test } from "node:test";
import { containsReward } from "../../../src/rewards/contains/index.ts";
import { exactReward } from "../../../src/rewards/exact/index.ts";
import { runReward } from "../../helpers.ts";

test("exact: trims and collapses whitespace by default, case-sensitive", async () => {
  const r = await runReward(exactReward, {}, [
    { completion: "  Paris \n", reference: "Paris" },
    { completion: "New   York", reference: "New York" },
    { completion: "paris", reference: "Paris" },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [1, 1, 0]);
});

test("exact: ignore_case and ignore_punctuation", async () => {
  const r = await runReward(exactReward, { ignore_case: true, ignore_punctuation: true }, [
    { completion: "PARIS!", reference: "paris" },
    { completion: "St. Louis", reference: "st louis" },
    { completion: "Lyon", reference: "Paris" },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [1, 1, 0]);
});

test("exact: any of a list of references; numbers compare as written", async () => {
  const r = await runReward(exactReward, {}, [
    { completion: "Shakespeare", reference: ["William Shakespeare", "Shakespeare"] },
    { completion: "42", reference: 42 },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [1, 1]);
});

test("exact: from_tag reads the last <answer> block; missing block is 0 with a reason", async () => {
  const r = await runReward(exactReward, { from_tag: "answer" }, [
    { completion: "<answer>draft</answer> then <answer>Paris</answer>", reference: "Paris" },
    { completion: "Paris", reference: "Paris" },
  ]);
  assert.equal(r[0].reward, 1);
  assert.deepEqual(r[1], { reward: 0, status: "ok", reason: "no <answer>…</answer> block" });
});

test("exact: a missing or unusable reference is unscorable, not 0", async () => {
  const r = await runReward(exactReward, {}, [{ completion: "x" }, { completion: "x", reference: { a: 1 } }]);
  assert.deepEqual(r.map((x) => [x.status, x.reward]), [["unscorable", null], ["unscorable", null]]);
});

test("exact: reads the last assistant message of a chat completion", async () => {
  const r = await runReward(exactReward, {}, [
    { completion: [{ role: "user", content: "q" }, { role: "assistant", content: [{ type: "text", text: "Paris" }] }], reference: "Paris" },
  ]);
  assert.equal(r[0].reward, 1);
});

test("contains: any / all / fraction over the reference list, with missing values in the reason", async () => {
  const samples = [{ completion: "The capital is Paris, on the Seine.", reference: ["Paris", "Seine", "Loire"] }];
  assert.equal((await runReward(containsReward, { mode: "any" }, samples))[0].reward, 1);
  const all = (await runReward(containsReward, { mode: "all" }, samples))[0];
  assert.equal(all.reward, 0);
  assert.match(all.reason!, /missing: "Loire"/);
  assert.ok(Math.abs((await runReward(containsReward, { mode: "fraction" }, samples))[0].reward! - 2 / 3) < 1e-12);
});

test("contains: fixed values with negate rewards absence (forbidden phrases)", async () => {
  const o = { values: ["as an ai"], negate: true, ignore_case: true };
  const r = await runReward(containsReward, o, [{ completion: "As an AI, I cannot." }, { completion: "Here is the answer." }]);
  assert.deepEqual(r.map((x) => x.reward), [0, 1]);
});

test("contains: fraction with negate is the share absent", async () => {
  const r = await runReward(containsReward, { values: ["a", "b", "c", "d"], mode: "fraction", negate: true }, [{ completion: "a b" }]);
  assert.equal(r[0].reward, 0.5);
});

test("contains: an empty reference is unscorable, not a match for every answer", async () => {
  const r = await runReward(containsReward, { ignore_punctuation: true }, [
    { completion: "anything", reference: "" },
    { completion: "anything", reference: "   " },
    { completion: "anything", reference: ["x", "?!"] },
    { completion: "anything", reference: ["any", "x"] },
  ]);
  assert.deepEqual(r.map((x) => x.status), ["unscorable", "unscorable", "unscorable", "ok"]);
  assert.match(r[0].reason!, /empty/);
  assert.throws(() => containsReward.create(containsReward.options.parse({ values: ["ok", " "] }), { name: "c", specDir: ".", type: "c" }), /empty/);
});
