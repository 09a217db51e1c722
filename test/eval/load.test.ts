import assert from "node:assert/strict";
import { test } from "node:test";
import { loadRecords, parseRecords } from "../../src/eval/load.ts";

test("JSONL: blank lines skipped, a bad line reported with its number, the rest read", () => {
  const { records, malformed } = parseRecords('\uFEFF{"a":1}\n\n{oops\n[1,2]\n{"b":2}\n');
  assert.deepEqual(records.map((r) => [r.line, r.raw]), [[1, { a: 1 }], [5, { b: 2 }]]);
  assert.equal(malformed.length, 2);
  assert.equal(malformed[0].line, 3);
  assert.match(malformed[0].reason, /^not JSON/);
  assert.deepEqual(malformed[1], { line: 4, reason: "not a JSON object (a list)" });
});

test("JSON: an array or {data: [...]}; positions are the lines; a non-object entry is reported", () => {
  const a = parseRecords('[{"a":1}, 3, {"b":2}]', true);
  assert.deepEqual(a.records.map((r) => r.line), [1, 3]);
  assert.deepEqual(a.malformed, [{ line: 2, reason: "not a JSON object (number)" }]);
  assert.equal(parseRecords('{"data": [{"a":1}]}', true).records.length, 1);
  assert.throws(() => parseRecords('{"a": 1}', true), /array of records/);
});

test("Parquet is refused with a pointer to the conversion; a missing file is a clear error", async () => {
  await assert.rejects(loadRecords("x.parquet"), /Parquet is not read; convert it to JSONL/);
  await assert.rejects(loadRecords("/nonexistent/x.jsonl"), /cannot read \/nonexistent\/x\.jsonl/);
});
