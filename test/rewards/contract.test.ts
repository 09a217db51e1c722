/**
 * The reward contract, checked for every type in the registry (not a hand-kept list): on shared
 * hostile inputs a reward returns one result per sample, each with a valid status and a reward
 * that is a finite number exactly when the status is ok, and never throws.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RewardResult, Sample } from "../../src/core/types.ts";
import { Scorer } from "../../src/pipeline/scorer.ts";
import { defaultRegistry } from "../../src/rewards/index.ts";
import { parseSpec } from "../../src/spec/parse.ts";
import { tempDir } from "../helpers.ts";

/** Options for the types that have required ones; services point at a dead loopback port, so they give error records. */
const REQUIRED_OPTIONS: Record<string, Record<string, unknown>> = {
  judge: { mode: "pointwise", base_url: "http://127.0.0.1:9/v1", model: "nobody", retries: 0, timeout_s: 2, cache: false },
  length: { form: "range", max: 100 },
  prm: { base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_s: 2, cache: false },
  reward_model: { base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_s: 2, cache: false },
  likelihood: { base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_s: 2, cache: false },
  implicit_prm: { base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_s: 2, cache: false, reference: { base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_s: 2, cache: false } },
  self_certainty: { vocab_size: 32000, base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_s: 2, cache: false },
  regex: { pattern: "\\d+" },
  similarity: { metric: "chrf" },
};

const huge = "9".repeat(300_000) + " " + "word ".repeat(50_000);
const deep = JSON.parse("[".repeat(10_000) + "]".repeat(10_000));

const HOSTILE: Sample[] = [
  { id: "empty", completion: "", reference: "" },
  { id: "huge", prompt: huge, completion: huge, reference: huge },
  { id: "no-reference", prompt: "What is 6 x 7?", completion: "<answer>42</answer>" },
  { id: "null-reference", completion: "42", reference: null },
  { id: "number-reference", completion: "42", reference: 42 },
  { id: "infinite-reference", completion: "Infinity", reference: Number.POSITIVE_INFINITY },
  { id: "object-reference", completion: "42", reference: { tests: "not a list", answer: [1, { x: null }] } },
  { id: "deep-reference", completion: "[]", reference: deep },
  { id: "chat", prompt: [{ role: "user", content: "Hi" }], completion: [{ role: "assistant", content: "Hello <answer>42</answer>" }], reference: "42" },
  { id: "chat-parts", completion: [{ role: "assistant", content: [{ type: "text", text: "42" }, { type: "image_url", image_url: "x" }] }], reference: "42" },
  { id: "chat-null-content", completion: [{ role: "assistant", content: null, tool_calls: [{ function: { name: 1, arguments: "{" } }] }], reference: ["a", "b"] },
  { id: "control-chars", completion: "\u0000\u202e\ud800<answer></answer>\r\n", reference: "\u0000", group: "g", steps: [{ reward: null }, { reward: Number.NaN }] },
  { id: "meta", completion: "42", reference: "42", meta: { response_length: "long", principles: 5, __proto__: 1 } },
];

function checkResults(type: string, results: unknown, samples: readonly Sample[]): void {
  assert.ok(Array.isArray(results), `${type}: an array of results`);
  assert.equal(results.length, samples.length, `${type}: one result per sample`);
  (results as RewardResult[]).forEach((r, i) => {
    const at = `${type} on "${samples[i].id}"`;
    assert.ok(r !== null && typeof r === "object", `${at}: a result object`);
    assert.ok(r.status === "ok" || r.status === "unscorable" || r.status === "error", `${at}: a valid status, found ${JSON.stringify(r.status)}`);
    if (r.status === "ok") assert.ok(typeof r.reward === "number" && Number.isFinite(r.reward), `${at}: ok has a finite reward, found ${r.reward}`);
    else {
      assert.equal(r.reward, null, `${at}: reward null when not ok`);
      assert.equal(typeof r.reason, "string", `${at}: a reason when not ok`);
    }
  });
}

for (const name of defaultRegistry.names()) {
  test(`contract: ${name} on hostile inputs gives one valid result per sample and does not throw`, async () => {
    const type = defaultRegistry.get(name)!;
    const parsed = type.options.safeParse(REQUIRED_OPTIONS[name] ?? {});
    assert.ok(parsed.success, `${name}: give REQUIRED_OPTIONS an entry for this type (${parsed.error?.message})`);
    const reward = type.create(parsed.data, { name: "r", type: name, specDir: tempDir(), flags: { noCache: true } });
    try {
      checkResults(name, await reward.score(HOSTILE), HOSTILE);
      checkResults(name, await reward.score([]), []);
    } finally {
      await reward.close?.();
    }
  });
}

test("contract: through the pipeline, records that break the sample contract (non-string completion, not an object) still get one record each", async () => {
  const rewards = Object.fromEntries(defaultRegistry.names().map((n) => [n, { type: n, ...(REQUIRED_OPTIONS[n] ?? {}) }]));
  const scorer = new Scorer(parseSpec({ rewards }, { dir: tempDir() }), undefined, { flags: { noCache: true } });
  try {
    const records = [{ completion: 42 }, { completion: { text: "x" } }, null, [1], "text", { reference: "only" }, { completion: "fine", reference: "fine" }];
    const out = await scorer.scoreRecords(records);
    assert.equal(out.length, records.length);
    assert.deepEqual(out.slice(0, 6).map((o) => o.status), Array(6).fill("error"));
    assert.equal(Object.keys(out[6].components ?? {}).length, defaultRegistry.names().length, "a usable record gets every component");
  } finally {
    await scorer.close();
  }
});
