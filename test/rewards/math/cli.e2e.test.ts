import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, parseJsonl, runCli, writeFiles } from "../../helpers.ts";

test("rewardsmith score with examples/math.yaml scores the example rollouts", async () => {
  const r = await runCli(["score", "--spec", "examples/math.yaml", "examples/math.jsonl", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(
    out.map((o) => [o.id, o.status, o.reward]),
    [
      ["p1-s1", "ok", 1],
      ["p1-s2", "ok", 0],
      ["p2-s1", "ok", 1],
      ["p2-s2", "ok", 0],
      ["p3-s1", "ok", 1],
      ["p4-s1", "ok", 1],
      ["p5-s1", "ok", 1],
      ["p6-s1", "ok", 0],
      ["p7-s1", "unscorable", null],
    ],
  );
  assert.equal(out[7].components.correct.reason, "no final answer");
  assert.equal(out[6].components.correct.reason, "boxed: 1 + \\sin x");
});

test("one output line per input line, pathological completions and bad lines included", async () => {
  const lines = [
    JSON.stringify({ id: "a", completion: "\\boxed{(10^{10})!}", reference: "3" }),
    "{not json",
    JSON.stringify({ id: "b", completion: "The answer is 3.", reference: "3" }),
    JSON.stringify({ id: "c", completion: "\\boxed{" + "(".repeat(5000) + "}", reference: "3" }),
  ];
  const dir = writeFiles({
    "spec.yaml": "rewards:\n  correct: {type: math, timeout_ms: 2000}\n",
    "in.jsonl": lines.join("\n") + "\n",
  });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl"), "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  assert.deepEqual(out.map((o) => o.status), ["error", "error", "ok", "error"]);
  assert.equal(out[2].reward, 1);
});

test("unknown math options are spec errors naming the key", async () => {
  const dir = writeFiles({ "spec.yaml": "rewards:\n  correct: {type: math, tolerence: 0.1}\n", "in.jsonl": "" });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tolerence/);
});

test("a reader that stops early (| head) gets exit 1 and the message, not exit 13 from an unsettled close", async () => {
  const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ id: i, completion: `\\boxed{${i % 7}}`, reference: "3" }));
  const dir = writeFiles({ "s.yaml": "rewards:\n  m: {type: math}\n", "in.jsonl": lines.join("\n") + "\n" });
  // Closing the pipe mid-run makes the math pool close while its workers are busy; try a few times,
  // the race the fix covers does not lose every time.
  for (let attempt = 0; attempt < 4; attempt++) {
    const child = spawn(process.execPath, [CLI, "score", "--spec", join(dir, "s.yaml"), join(dir, "in.jsonl")]);
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /cannot write the output/);
  }
});

test("rounding: strict by default, lenient or n significant digits from the spec", async () => {
  const rows = [
    { id: "rounded", completion: "The probability is about $\\boxed{0.29}$.", reference: "\\frac{2}{7}" },
    { id: "exact", completion: "The probability is $\\boxed{\\frac{4}{14}}$.", reference: "\\frac{2}{7}" },
    { id: "approx", completion: "So $x \\approx 1.41421356$.", reference: "\\sqrt{2}" },
  ];
  const dir = writeFiles({
    "spec.yaml": "rewards:\n  strict: {type: math}\n  lenient: {type: math, rounding: lenient}\n  digits: {type: math, rounding: 2}\n",
    "in.jsonl": rows.map((r) => JSON.stringify(r)).join("\n") + "\n",
  });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl"), "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const out = parseJsonl(r.stdout);
  const reward = (i: number, name: string) => out[i].components[name].reward;
  assert.deepEqual([reward(0, "strict"), reward(0, "lenient"), reward(0, "digits")], [0, 1, 1]);
  assert.deepEqual([reward(1, "strict"), reward(1, "lenient"), reward(1, "digits")], [1, 1, 1]);
  assert.equal(reward(2, "strict"), 0);
  assert.match(out[2].components.strict.reason, /approximation/);
});

test("a rounding option that is neither a mode nor a digit count is a spec error", async () => {
  const dir = writeFiles({ "spec.yaml": "rewards:\n  c: {type: math, rounding: loose}\n", "in.jsonl": "{}\n" });
  const r = await runCli(["score", "--spec", join(dir, "spec.yaml"), join(dir, "in.jsonl"), "--quiet"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /rounding/);
});
