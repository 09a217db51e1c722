import assert from "node:assert/strict";
import { test } from "node:test";
import { parseJsonl, runCli } from "../helpers.ts";

test("score: the README's main job prints one result per input line, bad lines included", async () => {
  const r = await runCli(["score", "--spec", "examples/exact.yaml", "examples/exact.jsonl"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.equal(out.length, 6);
  assert.deepEqual(out.map((o) => o.status), ["ok", "ok", "ok", "ok", "error", "error"]);
  assert.match(out[4].reason, /^line 5: invalid JSON/);
  assert.match(r.stderr, /scored 6 records/);
});
