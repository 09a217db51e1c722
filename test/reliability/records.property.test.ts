import assert from "node:assert/strict";
import { Readable, Writable } from "node:stream";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { OutputRecord } from "../../src/core/types.ts";
import { createScorer } from "../../src/pipeline/score.ts";
import { scoreStream } from "../../src/pipeline/stream.ts";
import { defaultRegistry } from "../../src/rewards/index.ts";
import { type FakeJudgeServer, startFakeJudgeServer } from "../../src/testing/judge-server.ts";
import { startTestModelServer, type TestModelServer } from "../../src/testing/model-server.ts";
import { ROOT } from "../helpers.ts";
import { chunks, expectedId, expectedLineCount, jsonlFile, propertySettings } from "./generators.ts";

/**
 * Every registered reward type, configured as a user would, gets generated JSONL files (valid and
 * broken lines, odd chat messages, huge and empty fields, bytes that are not UTF-8, CRLF, BOM,
 * `__proto__` keys, reads cut mid-character) and must keep the output contract on each.
 * A type added to the registry without an entry here fails the first test.
 */
let judge: FakeJudgeServer;
let model: TestModelServer;
before(async () => {
  judge = await startFakeJudgeServer();
  model = await startTestModelServer();
});
after(async () => {
  await judge.close();
  await model.close();
});

const configs: Record<string, () => Record<string, unknown>> = {
  exact: () => ({ type: "exact", from_tag: "answer" }),
  contains: () => ({ type: "contains", mode: "fraction" }),
  regex: () => ({ type: "regex", mode: "extract", pattern: "####\\s*(-?[\\d,.]+)" }),
  f1: () => ({ type: "f1" }),
  json: () => ({ type: "json", schema: { type: "object", required: ["name"] } }),
  length: () => ({ type: "length", form: "overlong", unit: "field", field: "response_length", max: 4096, buffer: 512 }),
  tags: () => ({ type: "tags", tags: ["think", "answer"] }),
  steps: () => ({ type: "steps" }),
  math: () => ({ type: "math", timeout_ms: 1000, workers: 1 }),
  similarity: () => ({ type: "similarity", metric: "chrf" }),
  grounding: () => ({ type: "grounding", metric: "iou" }),
  toolcall: () => ({ type: "toolcall" }),
  sql: () => ({ type: "sql", database: "{db_id}.sqlite", timeout_ms: 1000, workers: 1 }),
  code: () => ({ type: "code", language: "python", timeout_s: 2 }),
  judge: () => ({ type: "judge", mode: "pointwise", base_url: judge.url, model: "m", cache: false, timeout_s: 5, retries: 0 }),
  prm: () => ({ type: "prm", base_url: model.url, delimiter: "\n", cache: false, timeout_s: 5, retries: 0 }),
  likelihood: () => ({ type: "likelihood", base_url: model.url, answer_prefix: "", cache: false, timeout_s: 5, retries: 0 }),
  confidence: () => ({ type: "confidence", base_url: model.url, cache: false, timeout_s: 5, retries: 0 }),
  perplexity: () => ({ type: "perplexity", base_url: model.url, cache: false, timeout_s: 5, retries: 0 }),
  self_certainty: () => ({ type: "self_certainty", vocab_size: 31, base_url: model.url, cache: false, timeout_s: 5, retries: 0 }),
  implicit_prm: () => ({ type: "implicit_prm", base_url: model.url, cache: false, timeout_s: 5, retries: 0, reference: { base_url: model.url, cache: false, timeout_s: 5, retries: 0 } }),
  reward_model: () => ({ type: "reward_model", protocol: "vllm", endpoint: "classify", base_url: model.url, cache: false, timeout_s: 5, retries: 0 }),
};

/** Fewer runs for types that spend a process or a request per record. */
const runs: Record<string, number> = { code: 8, sql: 15, judge: 15, math: 25, prm: 15, reward_model: 15, likelihood: 10, confidence: 10, perplexity: 10, self_certainty: 10, implicit_prm: 10 };

test("every registered reward type has a fuzz configuration", () => {
  assert.deepEqual(defaultRegistry.names().filter((n) => !(n in configs)), []);
});

function collect(): { sink: Writable; lines: () => OutputRecord[] } {
  let text = "";
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { sink, lines: () => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)) };
}

for (const type of Object.keys(configs)) {
  test(`fuzz: ${type} keeps the output contract on generated JSONL files`, async () => {
    const scorer = createScorer({ rewards: { r: configs[type]() } }, undefined);
    // Relative paths (sql's database) resolve against examples/, as for the shipped specs.
    Object.assign(scorer.spec, { dir: `${ROOT}examples` });
    try {
      await fc.assert(
        fc.asyncProperty(jsonlFile, fc.integer({ min: 1, max: 7 }), async (file, batchSize) => {
          const { sink, lines } = collect();
          const summary = await scoreStream(scorer, Readable.from(chunks(file)), sink, { batchSize, concurrency: 3 });
          const out = lines();
          assert.equal(out.length, expectedLineCount(file), "one output line per input line");
          assert.equal(summary.records, out.length);
          out.forEach((rec, i) => {
            assert.ok(rec.status === "ok" || rec.status === "unscorable" || rec.status === "error", `line ${i + 1}: status ${rec.status}`);
            if (rec.status === "ok") assert.ok(typeof rec.reward === "number" && Number.isFinite(rec.reward), `line ${i + 1}: ok with reward ${rec.reward}`);
            else {
              assert.equal(rec.reward, null, `line ${i + 1}: ${rec.status} must have reward null`);
              assert.ok(typeof rec.reason === "string" && rec.reason.length > 0, `line ${i + 1}: ${rec.status} without a reason`);
            }
            const line = file.lines[i];
            if (line?.kind === "record") assert.deepEqual(rec.id, expectedId(line), `line ${i + 1}: output out of order`);
          });
          assert.equal(({} as Record<string, unknown>).polluted, undefined, "a __proto__ key polluted Object.prototype");
        }),
        propertySettings(runs[type] ?? 40),
      );
    } finally {
      await scorer.close();
    }
    if (type === "judge") assert.ok(judge.requests.length > 0, "the generated records never reached the judge");
  });
}
