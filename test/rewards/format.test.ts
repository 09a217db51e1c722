import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonReward } from "../../src/rewards/json/index.ts";
import { lengthRewardType, overlongPenalty } from "../../src/rewards/length/index.ts";
import { tagsReward } from "../../src/rewards/tags/index.ts";
import { runReward, writeFiles } from "../helpers.ts";

test("json: whole answer, fenced block, or embedded object", async () => {
  const r = await runReward(jsonReward, {}, [
    { completion: ' {"a": 1} ' },
    { completion: 'Here you go:\n```json\n{"a": [1, 2]}\n```\nDone.' },
    { completion: 'The result is {"name": "x", "tags": ["a}"]} as requested.' },
    { completion: "{'a': 1}" },
    { completion: "no json here" },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [1, 1, 1, 0, 0]);
  assert.match(r[3].reason!, /not valid JSON/);
});

test("json: extract whole does not search inside prose", async () => {
  const r = await runReward(jsonReward, { extract: "whole" }, [{ completion: 'x {"a": 1}' }]);
  assert.equal(r[0].reward, 0);
});

test("json: inline JSON Schema and schema_file", async () => {
  const schema = { type: "object", required: ["name"], properties: { name: { type: "string" }, age: { type: "integer" } } };
  const samples = [{ completion: '{"name": "Ada", "age": 36}' }, { completion: '{"age": "old"}' }];
  const inline = await runReward(jsonReward, { schema }, samples);
  assert.deepEqual(inline.map((x) => x.reward), [1, 0]);
  assert.match(inline[1].reason!, /does not match the schema/);
  const dir = writeFiles({ "s.json": JSON.stringify(schema) });
  const reward = jsonReward.create(jsonReward.options.parse({ schema_file: "s.json" }), { name: "j", specDir: dir, type: "json" });
  assert.deepEqual((await reward.score(samples)).map((x) => x.reward), [1, 0]);
});

test("json: a schema that does not compile fails at creation", () => {
  assert.throws(() => jsonReward.create(jsonReward.options.parse({ schema: { type: "nonsense" } }), { name: "j", specDir: ".", type: "json" }), /JSON Schema does not compile/);
});

test("length overlong: DAPO's soft penalty (L_max=20, L_cache=4)", () => {
  assert.equal(overlongPenalty(16, 20, 4), 0);
  assert.equal(overlongPenalty(17, 20, 4), -0.25);
  assert.equal(overlongPenalty(20, 20, 4), -1);
  assert.equal(overlongPenalty(21, 20, 4), -1);
});

test("length: chars, words and a token-count field", async () => {
  const chars = await runReward(lengthRewardType, { form: "overlong", max: 10, buffer: 4 }, [{ completion: "abcdef" }, { completion: "abcdefgh" }, { completion: "😀".repeat(12) }]);
  assert.deepEqual(chars.map((x) => x.reward), [0, -0.5, -1]);
  const words = await runReward(lengthRewardType, { form: "range", unit: "words", min: 2, max: 3 }, [{ completion: "one" }, { completion: " one  two\tthree " }]);
  assert.deepEqual(words.map((x) => x.reward), [0, 1]);
  const field = await runReward(lengthRewardType, { form: "target", unit: "field", field: "response_length", target: 100, tolerance: 10, scale: 40 }, [
    { completion: "", meta: { response_length: 130 } },
    { completion: "", meta: { response_length: 95 } },
    { completion: "" },
    { completion: "", meta: { response_length: -5 } },
  ]);
  assert.equal(field[0].reward, 0.5); // |130-100| - 10 = 20 -> 1 - 20/40
  assert.equal(field[1].reward, 1);
  assert.equal(field[2].status, "unscorable");
  assert.deepEqual([field[3].status, field[3].reason], ["unscorable", 'field "response_length" must hold a length (a number >= 0), found -5']);
});

test("length: each form names the options it needs", () => {
  const res = lengthRewardType.options.safeParse({ form: "overlong", max: 10 });
  assert.equal(res.success, false);
  assert.deepEqual(res.error!.issues.map((i) => i.path.join(".")), ["buffer"]);
  assert.equal(lengthRewardType.options.safeParse({ form: "overlong", max: 10, buffer: 11 }).success, false);
});

test("tags: presence, order, single occurrence, non-empty", async () => {
  const r = await runReward(tagsReward, {}, [
    { completion: "<think>reason</think>\n<answer>4</answer>" },
    { completion: "<answer>4</answer><think>reason</think>" },
    { completion: "<think>a</think><think>b</think><answer>4</answer>" },
    { completion: "<think> </think><answer>4</answer>" },
    { completion: "<think>reason</think>" },
  ]);
  assert.deepEqual(r.map((x) => x.reward), [1, 0, 0, 0, 0]);
  assert.equal(r[1].reason, "<answer> does not come after </think>");
  assert.match(r[2].reason!, /more than once/);
  assert.match(r[3].reason!, /empty <think>/);
  assert.equal(r[4].reason, "missing <answer>…</answer>");
});

test("tags: strict forbids text outside; partial scores the share of checks", async () => {
  const strict = await runReward(tagsReward, { strict: true }, [{ completion: "Sure! <think>x</think><answer>y</answer>" }, { completion: " <think>x</think>\n<answer>y</answer>\n" }]);
  assert.deepEqual(strict.map((x) => x.reward), [0, 1]);
  // checks: think present, once, nonempty; answer present, once, nonempty; order -> 7; missing answer fails 2 (present, nonempty)
  const partial = await runReward(tagsReward, { score: "partial" }, [{ completion: "<think>x</think>" }]);
  assert.equal(partial[0].reward, 5 / 7);
});

test("length: a range with min above max is a spec error, not 'outside' for every record", () => {
  const r = lengthRewardType.options.safeParse({ form: "range", min: 10, max: 5 });
  assert.deepEqual(r.error?.issues.map((i) => [i.path.join("."), i.message]), [["max", "a number >= min (10): no length would be inside the range"]]);
  assert.equal(lengthRewardType.options.safeParse({ form: "range", min: 5, max: 5 }).success, true);
});
