import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { section, startFakeJudgeServer, type FakeJudgeServer } from "../../src/testing/judge-server.ts";
import { evaluate } from "../../src/index.ts";
import { builtinRegistry } from "../../src/rewards/index.ts";
import { defineRewardType } from "../../src/core/reward.ts";
import { z } from "zod";
import { parseJsonl, ROOT, runCli, tempDir } from "../helpers.ts";

const FX = join(ROOT, "test", "eval", "fixtures");
const SPEC = join(FX, "length-target.yaml");
const expected = JSON.parse(readFileSync(join(FX, "expected.json"), "utf8"));
const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} vs reference ${b}`);

async function evalCli(file: string, ...extra: string[]) {
  const out = tempDir("rewardsmith-eval-");
  const r = await runCli(["eval", "--spec", SPEC, join(FX, file), "-o", out, "--no-report", "--quiet", ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return { json: JSON.parse(readFileSync(join(out, "eval.json"), "utf8")), items: parseJsonl(readFileSync(join(out, "items.jsonl"), "utf8")), stdout: r.stdout, out };
}
const subset = (json: any, name: string) => json.subsets.find((s: any) => s.name === name);

test("eval pairwise (RewardBench 1): subset accuracies, sections and score match the reference computation", async () => {
  const { json, items, stdout } = await evalCli("pairwise.jsonl");
  assert.equal(json.format, "pairwise");
  for (const [name, acc] of Object.entries(expected.pairwise.subsets)) close(subset(json, name).metrics.accuracy, acc as number, name);
  for (const [name, v] of Object.entries(expected.pairwise.sections)) close(json.sections[name], v as number, name);
  close(json.headline.value, expected.pairwise.score, "score");
  assert.equal(items.length, 36);
  assert.equal(json.counts.unscored, 0);
  assert.ok(json.headline.ci[0] <= json.headline.value && json.headline.value <= json.headline.ci[1]);
  assert.equal(typeof json.controls.length_only, "number");
  assert.equal(json.definitions.accuracy.version, 1);
  assert.match(stdout, /pairwise: score 0\.3810/);
});

test("eval best_of_4 (RewardBench 2): tie penalty and the Ties score match the reference", async () => {
  const { json } = await evalCli("best_of_4.jsonl");
  assert.equal(json.format, "best_of_4");
  for (const [name, v] of Object.entries(expected.best_of_4.subsets)) close(subset(json, name).metrics.score, v as number, name);
  close(json.headline.value, expected.best_of_4.score, "score");
});

test("eval rm_bench: hard/normal/easy per domain and the average match the reference", async () => {
  const { json } = await evalCli("rm_bench.jsonl");
  for (const [name, v] of Object.entries(expected.rm_bench.subsets) as Array<[string, Record<string, number>]>) {
    for (const k of ["hard", "normal", "easy"]) close(subset(json, name).metrics[k], v[k], `${name}.${k}`);
  }
  close(json.headline.value, expected.rm_bench.avg, "avg");
});

test("eval reads a JSON array (RM-Bench's total_dataset.json) like JSONL, and --format overrides detection", async () => {
  const dir = tempDir("rewardsmith-eval-");
  const rows = readFileSync(join(FX, "rm_bench.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  writeFileSync(join(dir, "total_dataset.json"), JSON.stringify(rows));
  const r = await runCli(["eval", "--spec", SPEC, join(dir, "total_dataset.json"), "-o", join(dir, "out"), "--no-report", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  close(JSON.parse(readFileSync(join(dir, "out", "eval.json"), "utf8")).headline.value, expected.rm_bench.avg, "avg");
  // Read as best-of-N instead (one chosen-first ranking of six responses): a different metric, same data.
  const forced = await runCli(["eval", "--spec", SPEC, join(dir, "total_dataset.json"), "--format", "best_of_4", "-o", join(dir, "out2"), "--no-report", "--quiet"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /^best_of_4: score /);
});

test("eval judgebench: accuracy over both orders and inconsistency match the reference", async () => {
  const { json, items } = await evalCli("judgebench.jsonl");
  close(json.headline.value, expected.judgebench.accuracy, "accuracy");
  close(json.overall.inconsistency, expected.judgebench.inconsistency, "inconsistency");
  assert.deepEqual(items[0].candidates.map((c: any) => c.key), ["A", "B", "swapped.B", "swapped.A"]);
});

test("eval processbench with --step-scores prefix: F1 at 0.5 and the best swept F1 match the reference", async () => {
  const { json } = await evalCli("processbench.jsonl", "--step-scores", "prefix");
  for (const [name, v] of Object.entries(expected.processbench.subsets) as Array<[string, Record<string, number>]>) {
    for (const k of ["error_acc", "correct_acc", "f1"]) close(subset(json, name).metrics[k], v[k], `${name}.${k}`);
  }
  close(json.headline.value, expected.processbench.f1, "f1");
  close(json.diagnostics.threshold.best_value, expected.processbench.best_f1, "best f1");
  assert.equal(json.controls.length_only, null);
  // Without prefixes the length reward returns no steps: every item unscored, with the reason.
  const { json: plain } = await evalCli("processbench.jsonl");
  assert.equal(plain.counts.scored, 0);
  assert.match(Object.keys(plain.unscored_reasons)[0], /no per-step rewards/);
});

test("eval pointwise: accuracy, AUC and ECE match the reference; the reliability curve is written", async () => {
  const { json } = await evalCli("pointwise.jsonl");
  close(json.overall.accuracy, expected.pointwise.accuracy, "accuracy");
  close(json.overall.auc, expected.pointwise.auc, "auc");
  close(json.overall.ece, expected.pointwise.ece, "ece");
  assert.ok(json.diagnostics.reliability.length > 1);
});

test("eval: a malformed line is reported and counted, not fatal; --fail-under gates with exit 3; unknown metric is an error", async () => {
  const dir = tempDir("rewardsmith-eval-");
  const lines = readFileSync(join(FX, "pairwise.jsonl"), "utf8").split("\n").filter(Boolean);
  const data = [lines[0], "{not json", JSON.stringify({ prompt: "p", chosen: "a", rejected: 7, subset: "x" }), ...lines.slice(1)].join("\n") + "\n";
  writeFileSync(join(dir, "d.jsonl"), data);
  const r = await runCli(["eval", "--spec", SPEC, join(dir, "d.jsonl"), "-o", join(dir, "out"), "--no-report", "--quiet", "--fail-under", "score=0.9", "--fail-under", "length_only=0"]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /line 2: not JSON/);
  assert.match(r.stderr, /line 3: not a pairwise record: "rejected" must be a response/);
  assert.match(r.stdout, /fail-under score: 0\.3810 < 0\.9 FAILED/);
  assert.match(r.stdout, /fail-under length_only: .* ok/);
  const json = JSON.parse(readFileSync(join(dir, "out", "eval.json"), "utf8"));
  assert.equal(json.counts.malformed, 2);
  assert.equal(json.counts.items, 36);
  const ok = await runCli(["eval", "--spec", SPEC, join(dir, "d.jsonl"), "-o", join(dir, "out"), "--no-report", "--fail-under", "score=0.3"]);
  assert.equal(ok.code, 0);
  assert.match(ok.stderr, /scoring: 36 \/ 36 items/, "progress on stderr");
  assert.doesNotMatch(ok.stdout, /scoring:/);
  const bad = await runCli(["eval", "--spec", SPEC, join(dir, "d.jsonl"), "-o", join(dir, "out"), "--no-report", "--quiet", "--fail-under", "nope=1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no metric "nope" \(known: score, headline/);
  const usage = await runCli(["eval", "--spec", SPEC, join(dir, "d.jsonl"), "--format", "csv"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--format must be auto or one of/);
});

test("eval --compare: a reward against itself agrees fully; against its opposite the STARC distance is 1", async () => {
  const dir = tempDir("rewardsmith-eval-");
  writeFileSync(join(dir, "far.yaml"), "rewards:\n  far: {type: length, form: target, target: 40, scale: 100}\ncombine: {type: formula, formula: '1 - far'}\n");
  const same = await evalCli("best_of_4.jsonl", "--compare", SPEC);
  assert.equal(same.json.compare.pairwise_agreement, 1);
  assert.ok(Math.abs(same.json.compare.starc_distance) < 1e-12);
  assert.ok(Math.abs(same.json.compare.spearman - 1) < 1e-12);
  const opposite = await evalCli("best_of_4.jsonl", "--compare", join(dir, "far.yaml"));
  assert.ok(Math.abs(opposite.json.compare.starc_distance - 1) < 1e-9, String(opposite.json.compare.starc_distance));
  assert.equal(opposite.items[0].candidates[0].compare_reward, 1 - opposite.items[0].candidates[0].reward);
});

let judge: FakeJudgeServer;
before(async () => {
  // Scores a response 9 when it says "correct", 2 otherwise; pairwise: prefers whatever is shown first.
  judge = await startFakeJudgeServer({
    judge: (req) => {
      if (req.key === "winner") return { reason: "first", winner: "A" };
      const text = section(req.user, "Response") ?? "";
      return { reason: "ok", score: text.includes("correct") ? 9 : 2 };
    },
  });
});
after(() => judge?.close());

test("eval with a judge on the local test server: pointwise judging, failures counted as unscored, a position-biased pairwise judge ties", async () => {
  const dir = tempDir("rewardsmith-eval-");
  writeFileSync(join(dir, "judge.yaml"), `rewards:\n  j: {type: judge, mode: pointwise, base_url: ${judge.url}, model: fake, cache: false, retries: 0}\n`);
  writeFileSync(join(dir, "pair.yaml"), `rewards:\n  j: {type: judge, mode: pairwise, base_url: ${judge.url}, model: fake, cache: false, retries: 0}\n`);
  const rows = Array.from({ length: 8 }, (_, i) => ({ pair_id: `p${i}`, question: `q${i}`, response_A: i % 2 ? "this is correct" : "nope", response_B: i % 2 ? "nope" : "this is correct", label: i % 2 ? "A>B" : "B>A", source: "livebench-math" }));
  writeFileSync(join(dir, "jb.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const r = await runCli(["eval", "--spec", join(dir, "judge.yaml"), join(dir, "jb.jsonl"), "-o", join(dir, "out"), "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(readFileSync(join(dir, "out", "eval.json"), "utf8"));
  assert.equal(json.headline.value, 1);
  assert.equal(json.overall.inconsistency, 0);
  assert.equal(json.diagnostics.reward_summary["j.requests"], 32);

  // Every request fails: nothing is silently right or wrong; every item is unscored with the reason.
  judge.failAll({ status: 500 });
  const failing = await runCli(["eval", "--spec", join(dir, "judge.yaml"), join(dir, "jb.jsonl"), "-o", join(dir, "out2"), "--no-report", "--quiet"]);
  judge.failAll(undefined);
  assert.equal(failing.code, 0, failing.stderr);
  const jf = JSON.parse(readFileSync(join(dir, "out2", "eval.json"), "utf8"));
  assert.equal(jf.counts.scored, 0);
  assert.equal(jf.counts.candidates_error, 32);
  assert.equal(jf.headline.value, null);
  assert.match(Object.keys(jf.unscored_reasons)[0], /^error: /);

  // A pairwise judge that always picks the first shown: both orders cancel, every pair is a tie.
  const pr = await runCli(["eval", "--spec", join(dir, "pair.yaml"), join(dir, "jb.jsonl"), "-o", join(dir, "out3"), "--no-report", "--quiet"]);
  assert.equal(pr.code, 0, pr.stderr);
  const jp = JSON.parse(readFileSync(join(dir, "out3", "eval.json"), "utf8"));
  assert.equal(jp.overall.tie_rate, 1);
  assert.equal(jp.headline.value, 0);
  assert.equal(jp.diagnostics.reward_summary["j.position_disagreements"], 16);
  assert.equal(jp.diagnostics.position.judge_position_disagreements, 16);
  assert.match(pr.stdout, /pairwise judge order disagreements 16/);
});

test("library: evaluate() with a process reward that returns per-step rewards", async () => {
  // A PRM stand-in: a step is wrong (0) when its text says "oops".
  const prm = defineRewardType({
    type: "toy_prm",
    description: "test PRM",
    options: z.strictObject({}),
    create: (_o, context) => ({
      name: context.name,
      type: context.type,
      score: async (samples) =>
        samples.map((s) => {
          const steps = (s.steps ?? []).map((st) => ({ ...st, reward: String(st.text).includes("oops") ? 0 : 1 }));
          return { reward: Math.min(...steps.map((x) => x.reward)), status: "ok" as const, steps };
        }),
    }),
  });
  const registry = builtinRegistry().register(prm);
  const data = [
    { id: "math-0", problem: "p", steps: ["fine", "oops", "fine"], label: 1 },
    { id: "math-1", problem: "p", steps: ["fine", "fine"], label: -1 },
    { id: "math-2", problem: "p", steps: ["fine", "fine", "oops"], label: 0 },
  ];
  const ev = await evaluate({ spec: { rewards: { prm: { type: "toy_prm" } } }, input: data, registry, bootstrap: 0 });
  const m = ev.result.subsets[0].metrics;
  assert.equal(ev.result.format, "processbench");
  assert.equal(m.error_acc, 0.5);
  assert.equal(m.correct_acc, 1);
  assert.equal(ev.failures.length, 1);
  assert.equal(ev.failures[0].item.id, "math-2");
});
