import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseJsonl, runCli, tempDir } from "../helpers.ts";
import { sandboxUnavailable } from "../rewards/code/helpers.ts";

const skip = sandboxUnavailable() || sandboxUnavailable("javascript");

const EXPECTED = [
  ["sum-correct", 1, "ok"],
  ["sum-wrong", 1 / 3, "ok"],
  ["fib-partial", 0.75, "ok"],
  ["humaneval-style", 1, "ok"],
  ["js-cases", 1, "ok"],
  ["infinite-loop", 0, "ok"],
  ["no-code", 0, "ok"],
  ["bad-reference", null, "unscorable"],
];

test("score: examples/code.yaml runs the programs in the sandbox, one result per line", { skip }, async () => {
  const r = await runCli(["score", "--spec", "examples/code.yaml", "examples/code.jsonl"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(out.map((o) => [o.id, o.reward, o.status]), EXPECTED);
  assert.equal(out[5].components.tests.components.test_1.outcome, "timeout");
  assert.match(out[7].reason, /reference\.tests\.0: Unrecognized key: "input"/);
});

test("score: without bubblewrap the code reward fails at start-up with the reason", async () => {
  const r = await runCli(["score", "--spec", "examples/code.yaml", "examples/code.jsonl"], { env: { ...process.env, PATH: tempDir() } });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /rewards\.tests: the code reward cannot sandbox programs: bubblewrap \(bwrap\) is not installed/);
  assert.match(r.stderr, /--unsafe-no-sandbox/);
  const out = join(tempDir(), "out.jsonl");
  const withOut = await runCli(["score", "--spec", "examples/code.yaml", "examples/code.jsonl", "--out", out], { env: { ...process.env, PATH: tempDir() } });
  assert.equal(withOut.code, 2);
  assert.equal(existsSync(out), false, "a refused spec creates no output file");
});

test("score --unsafe-no-sandbox runs the programs on the host, with a warning", async () => {
  const r = await runCli(["score", "--unsafe-no-sandbox", "--spec", "examples/code.yaml", "examples/code.jsonl"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /without isolation/);
  assert.deepEqual(parseJsonl(r.stdout).map((o) => [o.id, o.reward, o.status]), EXPECTED);
});
