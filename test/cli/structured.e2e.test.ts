import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseJsonl, ROOT, runCli } from "../helpers.ts";

const close = (actual: number, expected: number, eps = 1e-9) => assert.ok(Math.abs(actual - expected) < eps, `expected ${expected}, got ${actual}`);

async function scoreExample(name: string) {
  const r = await runCli(["score", "--spec", `examples/${name}.yaml`, `examples/${name}.jsonl`]);
  assert.equal(r.code, 0, r.stderr);
  return parseJsonl(r.stdout);
}

test("examples/toolcall: ToolRL rewards for exact, partial, unformatted, malformed, OpenAI and no-call records", async () => {
  const out = await scoreExample("toolcall");
  assert.deepEqual(out.map((o) => o.id), ["tc-1", "tc-2", "tc-3", "tc-4", "tc-5", "tc-6", "tc-7"]);
  const rewards = out.map((o) => o.reward);
  close(rewards[1], 1 + 3 * (2 * (2.5 / 6) - 1));
  assert.deepEqual([rewards[0], rewards[2], rewards[3], rewards[4], rewards[5], rewards[6]], [4, 3, -3, 4, 4, null]);
  assert.equal(out[6].status, "unscorable");
});

test("examples/grounding: hit + GUI-G² + GUI-G1 box size", async () => {
  const out = await scoreExample("grounding");
  close(out[1].reward, 1 + 0.5 + 0.25);
  close(out[2].components.gauss.components.gaussian_point.reward, Math.exp(-0.5));
  assert.equal(out[3].components.hit.reward, 0); // the whole screen: its centre misses the target
  assert.deepEqual(out[4].components.hit, { reward: 0, status: "ok", reason: "no point or box found" });
  assert.equal(out[5].status, "unscorable");
});

test("examples/similarity: ROUGE-L + BLEU + chrF", async () => {
  const out = await scoreExample("similarity");
  assert.equal(out[0].reward, 2);
  assert.equal(out[2].components.rougeL.reward, 0);
  assert.equal(out[4].status, "unscorable");
});

test("examples/sql: partial rewards, writes and hangs as errors, the database file untouched", async () => {
  const db = join(ROOT, "examples", "hr.sqlite");
  const before = createHash("sha256").update(readFileSync(db)).digest("hex");
  const out = await scoreExample("sql");
  assert.deepEqual(out.map((o) => o.status), ["ok", "ok", "ok", "ok", "error", "error", "ok"]);
  assert.deepEqual([out[0].reward, out[6].reward], [1, 1]);
  close(out[1].reward, (1 + 2 / 3 + 3 / 7) / 6);
  assert.match(out[4].reason, /not a read-only query/);
  assert.match(out[5].reason, /ran longer than 1000 ms/);
  assert.equal(createHash("sha256").update(readFileSync(db)).digest("hex"), before);
});
