import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseJsonl, runCli, writeFiles } from "../helpers.ts";

test("score: the README's main job prints one result per input line, bad lines included", async () => {
  const r = await runCli(["score", "--spec", "examples/exact.yaml", "examples/exact.jsonl"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.equal(out.length, 6);
  assert.deepEqual(out.map((o) => o.status), ["ok", "ok", "ok", "ok", "error", "error"]);
  assert.match(out[4].reason, /^line 5: invalid JSON/);
  assert.match(r.stderr, /scored 6 records/);
});

test("score: a UTF-8 byte order mark (files saved by Windows tools) does not make the first record invalid", async () => {
  const dir = writeFiles({
    "s.yaml": "rewards:\n  e: {type: exact}\n",
    "in.jsonl": '\uFEFF{"id":1,"completion":"x","reference":"x"}\r\n{"id":2,"completion":"x","reference":"y"}\r\n',
  });
  for (const args of [[join(dir, "in.jsonl")], ["-"]]) {
    const r = await runCli(["score", "--quiet", "--spec", join(dir, "s.yaml"), ...args], args[0] === "-" ? { input: readFileSync(join(dir, "in.jsonl"), "utf8") } : {});
    assert.equal(r.code, 0, r.stderr);
    const out = parseJsonl(r.stdout);
    assert.deepEqual(out.map((o) => [o.id, o.status, o.reward]), [[1, "ok", 1], [2, "ok", 0]]);
  }
});

test("score: --out naming the input file (also through another path) is refused before the input is truncated", async () => {
  const input = '{"id":1,"completion":"x","reference":"x"}\n';
  const dir = writeFiles({ "s.yaml": "rewards:\n  e: {type: exact}\n", "in.jsonl": input });
  for (const out of [join(dir, "in.jsonl"), join(dir, ".", "in.jsonl")]) {
    const r = await runCli(["score", "--spec", join(dir, "s.yaml"), join(dir, "in.jsonl"), "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out .* is the input file/);
    assert.equal(readFileSync(join(dir, "in.jsonl"), "utf8"), input);
  }
});
