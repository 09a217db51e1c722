import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import { z } from "zod";
import { ok } from "../../src/core/types.ts";
import { builtinRegistry } from "../../src/rewards/index.ts";
import { createScorer } from "../../src/pipeline/score.ts";
import { scoreStream } from "../../src/pipeline/stream.ts";
import { parseJsonl } from "../helpers.ts";

async function run(input: string | string[], options = {}, scorer = createScorer({ rewards: { m: { type: "exact" } } })) {
  const out = new PassThrough();
  let text = "";
  out.setEncoding("utf8").on("data", (d) => (text += d));
  const summary = await scoreStream(scorer, Readable.from(Array.isArray(input) ? input : [input]), out, options);
  return { summary, records: parseJsonl(text), lines: text.split("\n").length - 1 };
}

test("stream: one output line per input line, in order, bad lines included", async () => {
  const input = ['{"id":1,"completion":"4","reference":"4"}', "{broken", "", '{"id":2,"completion":"5","reference":"4"}', "[]", '{"id":3,"completion":"4","reference":"4"}'].join("\n");
  const { summary, records, lines } = await run(input + "\n", { batchSize: 2 });
  assert.equal(lines, 6);
  assert.deepEqual(records.map((r) => [r.id, r.status]), [[1, "ok"], [null, "error"], [null, "error"], [2, "ok"], [null, "error"], [3, "ok"]]);
  assert.match(records[1].reason, /^line 2: invalid JSON/);
  assert.equal(records[2].reason, "line 3: empty line");
  assert.deepEqual([summary.records, summary.ok, summary.error, summary.unscorable], [6, 3, 3, 0]);
  assert.deepEqual(summary.reward, { mean: 2 / 3, min: 0, max: 1 });
});

test("stream: a record that is JSON but not usable names its line too", async () => {
  const input = ['{"id":1,"completion":"4","reference":"4"}', "[1]", '{"id":"x","reference":"4"}', '{"completion":5}'].join("\n");
  const { records } = await run(input);
  assert.deepEqual(records.map((r) => [r.id, r.reason]), [
    [1, undefined],
    [null, "line 2: a record must be a JSON object, found a list"],
    ["x", 'line 3: missing the completion (field "completion")'],
    [null, 'line 4: the completion (field "completion") must be a string or a list of chat messages, found number'],
  ]);
});

test("stream: lines split across chunks, CRLF endings, a last line without newline, multi-byte characters", async () => {
  const text = '{"id":"é","completion":"ü","reference":"ü"}\r\n{"id":2,"completion":"x","reference":"x"}';
  const bytes = Buffer.from(text);
  const chunks = [...bytes].map((b) => Buffer.from([b])); // one byte at a time
  const { records } = await run(chunks as unknown as string[]);
  assert.deepEqual(records.map((r) => [r.id, r.reward]), [["é", 1], [2, 1]]);
});

test("stream: a line with bytes that are not UTF-8 is an error naming the line, not silently altered text", async () => {
  const lines = [
    Buffer.from('{"id":1,"completion":"caf\xe9","reference":"caf\xe8"}', "latin1"), // Latin-1: both would decode to "caf\uFFFD" and match
    Buffer.from('{"id":2,"completion":"\u00e9\ufffd","reference":"\u00e9\ufffd"}'), // real U+FFFD and é in UTF-8 are fine
    Buffer.from('{"id":3,"completion":"x","reference":"x"}'),
    Buffer.from([0xe2, 0x82]), // a character cut off at the end of the input
  ];
  const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")])).subarray(0, -1);
  for (const size of [1, 2, 3, 7, bytes.length]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    const { records } = await run(chunks as unknown as string[], { batchSize: 2 });
    assert.deepEqual(records.map((r) => [r.id, r.status, r.reward]), [[null, "error", null], [2, "ok", 1], [3, "ok", 1], [null, "error", null]], `chunks of ${size}`);
    assert.equal(records[0].reason, "line 1: not valid UTF-8 (is the file in another encoding?)");
    assert.equal(records[3].reason, "line 4: not valid UTF-8 (is the file in another encoding?)");
  }
});

test("stream: order is kept when later batches finish first", async () => {
  const registry = builtinRegistry().register({
    type: "slow_first",
    description: "test",
    options: z.strictObject({}),
    create: (_o, { name }) => ({
      name,
      type: "slow_first",
      async score(samples) {
        const delay = samples[0].id === 0 ? 30 : 1;
        await new Promise((r) => setTimeout(r, delay));
        return samples.map((s) => ok(Number(s.id)));
      },
    }),
  });
  const scorer = createScorer({ rewards: { s: { type: "slow_first" } } }, registry);
  const input = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: i, completion: "x" })).join("\n");
  const { records } = await run(input, { batchSize: 3, concurrency: 5 }, scorer);
  assert.deepEqual(records.map((r) => r.reward), Array.from({ length: 40 }, (_, i) => i));
});

test("stream: an empty input gives no output and a zero summary", async () => {
  const { summary, lines } = await run("");
  assert.equal(lines, 0);
  assert.equal(summary.records, 0);
  assert.equal(summary.reward, null);
});
