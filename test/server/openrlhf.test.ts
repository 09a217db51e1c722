import assert from "node:assert/strict";
import { test } from "node:test";
import { openrlhfResponse, openrlhfSamples } from "../../src/server/openrlhf.ts";

test("the response is the query after the prompt; a query the prompt does not start is left unscored", () => {
  const { samples, notPrefix } = openrlhfSamples({
    query: ["<|user|>2+2?<|assistant|>4<eos>", "<|user|>2+3?<|assistant|>5", " <|user|>x"],
    prompts: ["<|user|>2+2?<|assistant|>", "<|user|>2+3?<|assistant|>", "<|user|>x"],
    labels: ["4", null, "x"],
    metas: [{ src: "a" }, null, null],
  });
  assert.deepEqual(samples[0], { id: 0, completion: "4<eos>", prompt: "<|user|>2+2?<|assistant|>", reference: "4", meta: { src: "a" } });
  assert.deepEqual(samples[1], { id: 1, completion: "5", prompt: "<|user|>2+3?<|assistant|>" });
  assert.equal(samples[2], undefined);
  assert.deepEqual(notPrefix, [false, false, true]);
});

test("rewards are numbers only: non-ok records and components get null_reward", () => {
  const out = openrlhfResponse(
    [
      { id: 0, reward: 0.5, status: "ok", components: { a: { reward: 1, status: "ok" }, b: { reward: null, status: "error" } } },
      { id: 1, reward: null, status: "unscorable", components: { a: { reward: null, status: "unscorable" }, b: { reward: 0, status: "ok" } } },
      { id: 2, reward: null, status: "error", reason: "bad" },
    ],
    [false, false, true],
    ["a", "b"],
    -2,
  );
  assert.deepEqual(out, {
    rewards: [0.5, -2, -2],
    scores: [0.5, -2, -2],
    extra_logs: {
      status_ok: [1, 0, 0],
      status_unscorable: [0, 1, 0],
      status_error: [0, 0, 1],
      prompt_not_prefix: [0, 0, 1],
      reward_a: [1, -2, -2],
      reward_b: [-2, 0, -2],
    },
  });
});
