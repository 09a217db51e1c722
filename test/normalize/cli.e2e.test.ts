import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { score } from "../../src/index.ts";
import { CLI, parseJsonl, runCli, tempDir, writeFiles } from "../helpers.ts";

const SPEC = `
rewards:
  correct: {type: exact}
normalize: {type: grpo, preset: verl, group_size: 3}
`;

// Three groups of three interleaved across the file, a line that is not JSON, and a record the
// reward cannot score (no reference: unscorable, so it has no reward and no advantage).
const LINES = [
  `{"id": "a1", "group": "a", "completion": "x", "reference": "x"}`,
  `{"id": "b1", "group": "b", "completion": "x", "reference": "y"}`,
  `{"id": "c1", "group": "c", "completion": "x", "reference": "x"}`,
  `not json`,
  `{"id": "a2", "group": "a", "completion": "x", "reference": "y"}`,
  `{"id": "b2", "group": "b", "completion": "x", "reference": "y"}`,
  `{"id": "c2", "group": "c", "completion": "x", "reference": "x"}`,
  `{"id": "a3", "group": "a", "completion": "x", "reference": "y"}`,
  `{"id": "c3", "group": "c", "completion": "x"}`,
  `{"id": "b3", "group": "b", "completion": "x", "reference": "x"}`,
];

// verl: A = (r - mean) / (std_unbiased + 1e-6). Group a = [1, 0, 0]: mean 1/3, std sqrt(1/3);
// b = [0, 0, 1] likewise; c = [1, 1] (c3 has no reward): std 0 -> 0.
const HIGH = (1 - 1 / 3) / (Math.sqrt(1 / 3) + 1e-6);
const LOW = (0 - 1 / 3) / (Math.sqrt(1 / 3) + 1e-6);

test("score with normalize: advantage on each record, groups spread across the file, in input order", async () => {
  const dir = writeFiles({ "spec.yaml": SPEC, "in.jsonl": LINES.join("\n") + "\n" });
  // small batches scored concurrently: a group's records are in different batches
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl"), "--batch-size", "2", "--concurrency", "3"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(out.map((o) => o.id), ["a1", "b1", "c1", null, "a2", "b2", "c2", "a3", "c3", "b3"]);
  const adv = Object.fromEntries(out.filter((o) => o.id).map((o) => [o.id, o.advantage]));
  for (const [id, expected] of Object.entries({ a1: HIGH, a2: LOW, a3: LOW, b1: LOW, b2: LOW, b3: HIGH, c1: 0, c2: 0 })) {
    assert.ok(Math.abs(adv[id] - expected) < 1e-9, `${id}: expected ${expected}, found ${adv[id]}`);
  }
  assert.equal(adv.c3, null);
  assert.match(out[8].advantage_reason, /^no reward: excluded from its group's statistics/);
  assert.equal(out[3].status, "error");
  assert.equal(out[3].advantage, null);
  assert.match(r.stderr, /normalize grpo \(verl\): 8 advantages · 3 groups/);
  // the invalid line belongs to no group; groups a, b, c have 3 records each
  assert.doesNotMatch(r.stderr, /unexpected size/);
});

test("the library's score() gives the same advantages as the CLI", async () => {
  const records = LINES.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const out = await score({ rewards: { correct: { type: "exact" } }, normalize: { type: "grpo" } }, records);
  assert.ok(Math.abs(out[0].advantage! - HIGH) < 1e-9);
  assert.equal(out[7].advantage, null);
});

test("without a group field the prompt is the group (group_by: auto)", async () => {
  const lines = [
    `{"prompt": "p", "completion": "x", "reference": "x"}`,
    `{"prompt": "q", "completion": "x", "reference": "x"}`,
    `{"prompt": "p", "completion": "x", "reference": "y"}`,
  ].join("\n");
  const dir = writeFiles({ "spec.yaml": "rewards: {c: {type: exact}}\nnormalize: {type: dr_grpo}\n", "in.jsonl": lines });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  // p: [1, 0] -> +0.5, -0.5; q alone: verl's dr_grpo gives r - 0 = 1
  assert.deepEqual(parseJsonl(r.stdout).map((o) => o.advantage), [0.5, 1, -0.5]);
});

test("normalize_then_sum: per-reward advantages, weighted, summed", async () => {
  const spec = `rewards:
  a: {type: exact}
  b: {type: contains, weight: 2}
normalize: {type: dr_grpo, multi_reward: normalize_then_sum}
`;
  // a: [1, 0] -> [0.5, -0.5]; b (contains reference): [1, 1] -> [0, 0]; sum with weights 1 and 2
  const lines = [`{"group": 1, "completion": "ab", "reference": "ab"}`, `{"group": 1, "completion": "abc", "reference": "ab"}`].join("\n");
  const dir = writeFiles({ "spec.yaml": spec, "in.jsonl": lines });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJsonl(r.stdout).map((o) => o.advantage), [0.5, -0.5]);
});

test("shaping: shaped_reward is written and normalized (PAR against a reference reward field)", async () => {
  const spec = `rewards: {c: {type: exact}}
normalize: {type: none, shaping: [{type: par, reference_field: ref_reward}]}
`;
  const lines = [`{"group": 1, "completion": "x", "reference": "x", "ref_reward": 1}`, `{"group": 1, "completion": "x", "reference": "x"}`].join("\n");
  const dir = writeFiles({ "spec.yaml": spec, "in.jsonl": lines });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  // sigmoid(1 - 1) = 0.5; the second record has no reference reward
  assert.equal(out[0].shaped_reward, 0.5);
  assert.equal(out[0].advantage, 0.5);
  assert.equal(out[1].reward, 1);
  assert.equal(out[1].advantage, null);
  assert.match(out[1].advantage_reason, /shaping needs its reference reward \(field "ref_reward"/);
});

test("invalid normalize blocks are rejected with the path inside the spec", async () => {
  const cases: Array<[string, RegExp]> = [
    ["normalize: {type: gpro}", /normalize\.type: expected one of "grpo", "dr_grpo"/],
    ["normalize: {type: batch, preset: verl}", /normalize\.preset: expected one of trl \(the trainers that implement batch\)/],
    ["normalize: {type: grpo, epsilon: -1}", /normalize\.epsilon: expected a number >= 0/],
    ["normalize: {type: grpo, colour: red}", /normalize\.colour: unknown option/],
    ["normalize: {type: grpo, shaping: [{type: clip, min: x}]}", /normalize\.shaping\[0\]\.min: expected number/],
    ["normalize: wobble", /normalize\.type: expected one of/],
  ];
  for (const [block, pattern] of cases) {
    const dir = writeFiles({ "spec.yaml": `rewards: {c: {type: exact}}\n${block}\n` });
    const r = await runCli(["validate", "--spec", join(dir, "spec.yaml")]);
    assert.equal(r.code, 2, block);
    assert.match(r.stderr, pattern, block);
  }
});

test("examples/grpo.yaml runs on examples/grpo.jsonl", async () => {
  const r = await runCli(["score", "--spec", "examples/grpo.yaml", "examples/grpo.jsonl"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.equal(out.length, 16);
  assert.ok(out.every((o) => typeof o.advantage === "number"));
  assert.equal(out.filter((o) => /zero-variance/.test(o.advantage_reason ?? "")).length, 4);
});

test("zero_variance keep (the default) writes 0 without a reason; type none needs no group", async () => {
  const records = [
    { group: "g", completion: "x", reference: "x" },
    { group: "g", completion: "x", reference: "x" },
  ];
  const kept = await score({ rewards: { c: { type: "exact" } }, normalize: { type: "grpo" } }, records);
  assert.deepEqual(kept.map((o) => [o.advantage, o.advantage_reason]), [[0, undefined], [0, undefined]]);
  const plain = await score({ rewards: { c: { type: "exact" } }, normalize: { type: "none" } }, [{ completion: "x", reference: "x" }]);
  assert.deepEqual([plain[0].advantage, plain[0].advantage_reason], [1, undefined]);
});

test("length_bias with a calibration file next to the spec; a bad calibration file fails before scoring", async () => {
  const spec = `rewards: {c: {type: exact}}
normalize:
  type: none
  shaping: [{type: length_bias, calibration: calib.jsonl, length: {field: tokens}}]
`;
  // calibration: reward rises with length, f(10) = 0, f(20) = 1, mean f over the batch = 0.5
  const calib = `{"length": 10, "reward": 0}\n{"length": 20, "reward": 1}\n`;
  const lines = [`{"completion": "x", "reference": "x", "tokens": 10}`, `{"completion": "x", "reference": "x", "tokens": 20}`].join("\n");
  const dir = writeFiles({ "spec.yaml": spec, "calib.jsonl": calib, "in.jsonl": lines });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJsonl(r.stdout).map((o) => o.shaped_reward), [1.5, 0.5]);

  const bad = writeFiles({ "spec.yaml": spec, "calib.jsonl": `{"length": "long"}\n`, "in.jsonl": lines });
  const b = await runCli(["score", "--spec", join(bad, "spec.yaml"), join(bad, "in.jsonl")]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /calib\.jsonl line 1: expected \{"length": number, "reward": number\}/);
  assert.equal(b.stdout, "");
});

test("a normalizing run stopped by a signal (Ctrl-C, SIGTERM, even SIGKILL) leaves no spool file in the temporary directory", async () => {
  const lines = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ id: i, group: i % 50, completion: `<answer>${i % 7}</answer>`, reference: "3" }));
  const dir = writeFiles({ "s.yaml": "rewards:\n  e: {type: exact, from_tag: answer}\nnormalize: {type: grpo}\n" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    const tmp = tempDir();
    const child = spawn(process.execPath, [CLI, "score", "--quiet", "--spec", join(dir, "s.yaml"), "-"], { env: { ...process.env, TMPDIR: tmp }, stdio: ["pipe", "ignore", "ignore"] });
    const closed = new Promise<unknown>((resolve) => child.on("close", resolve));
    child.stdin.on("error", () => {});
    // More than a pipe holds: once it drains, the CLI is reading its input, so the spool exists.
    if (!child.stdin.write(lines.join("\n") + "\n")) await new Promise((resolve) => child.stdin.once("drain", resolve));
    child.kill(signal);
    await closed;
    assert.deepEqual(readdirSync(tmp), [], signal);
  }
});

test("rewards too large for the group statistics: valid JSON, no silent 0, and a reason for each missing advantage", async () => {
  const dir = writeFiles({
    "formula.yaml": 'rewards:\n  e: {type: exact}\ncombine: {type: formula, formula: "e * 1e308 + 1e307"}\nnormalize: {type: grpo}\n',
    "shaped.yaml": "rewards:\n  e: {type: exact, weight: 1e300}\nnormalize:\n  type: grpo\n  shaping: [{type: scale, factor: 1e10}]\n",
    "in.jsonl": [
      { id: 1, group: "a", completion: "x", reference: "x" },
      { id: 2, group: "a", completion: "x", reference: "x" },
      { id: 3, group: "a", completion: "y", reference: "x" },
      { id: 4, group: "b", completion: "x", reference: "x" },
      { id: 5, group: "b", completion: "y", reference: "x" },
    ].map((r) => JSON.stringify(r)).join("\n") + "\n",
  });
  for (const spec of ["formula.yaml", "shaped.yaml"]) {
    const r = await runCli(["score", "--quiet", "--spec", join(dir, spec), join(dir, "in.jsonl")]);
    assert.equal(r.code, 0, r.stderr);
    const out = parseJsonl(r.stdout); // throws on Infinity or NaN written as such
    assert.equal(out.length, 5);
    for (const o of out) {
      assert.equal(o.status, "ok");
      if (o.shaped_reward !== undefined) assert.ok(o.shaped_reward === null || Number.isFinite(o.shaped_reward), spec);
      if (o.advantage === null) assert.match(o.advantage_reason ?? "", /overflow/, `${spec} record ${o.id}`);
      else assert.notEqual(o.advantage, 0, `${spec} record ${o.id}: rewards differ in its group, yet advantage 0`);
    }
  }
});

test("validate and serve reject a missing or bad calibration file up front, as score does", { timeout: 60_000 }, async () => {
  const dir = writeFiles({
    "missing.yaml": "rewards: {c: {type: exact}}\nnormalize:\n  type: grpo\n  shaping: [{type: length_bias, calibration: nowhere.jsonl}]\n",
    "bad.yaml": "rewards: {c: {type: exact}}\nnormalize:\n  type: grpo\n  shaping: [{type: length_bias, calibration: calib.jsonl}]\n",
    "calib.jsonl": '{"length": "long"}\n',
  });
  for (const [spec, message] of [["missing.yaml", /nowhere\.jsonl: ENOENT/], ["bad.yaml", /calib\.jsonl line 1/]] as const) {
    const v = await runCli(["validate", "--spec", join(dir, spec)]);
    assert.equal(v.code, 2, v.stdout);
    assert.match(v.stderr, message);
    const s = await runCli(["serve", "--port", "0", "--spec", join(dir, spec)]);
    assert.equal(s.code, 2, s.stderr);
    assert.match(s.stderr, message);
  }
});
