import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { compareRuns, comparedRecords, pairedStats, recordRun, RunQuery, RunStore, signTestP } from "../../src/store/index.ts";
import { tempDir } from "../helpers.ts";

function files(dir: string, name: string, rows: Array<{ input: unknown; output: unknown }>): { input: string; output: string } {
  const input = join(dir, `${name}.in.jsonl`);
  const output = join(dir, `${name}.out.jsonl`);
  writeFileSync(input, rows.map((r) => (typeof r.input === "string" ? r.input : JSON.stringify(r.input))).join("\n") + "\n");
  writeFileSync(output, rows.map((r) => JSON.stringify(r.output)).join("\r\n") + "\r\n");
  return { input, output };
}

const rows = Array.from({ length: 40 }, (_, i) => ({
  input: { id: `r${i}`, response: i === 7 ? "Ünïcode answer with NEEDLE" : `answer ${"x".repeat(i)}`, group: `g${i % 4}` },
  output: {
    id: `r${i}`,
    reward: i % 5 === 0 ? null : i / 40,
    status: i % 5 === 0 ? "error" : "ok",
    components: { a: { reward: i % 2, status: "ok" }, b: i % 5 === 0 ? { reward: null, status: "error", reason: "boom" } : { reward: 0.5, status: "ok" } },
    advantage: i % 5 === 0 ? null : 0.1,
  },
}));

test("a run is indexed by offset: filters by status, reward range, component, group and text; records read back from the JSONL", async () => {
  const dir = tempDir();
  const f = files(dir, "one", [...rows, { input: "not json", output: { id: null, reward: null, status: "error", reason: "line 41: invalid JSON" } }]);
  const store = new RunStore(join(dir, "store"));
  const run = await recordRun(store, { outputPath: f.output, inputPath: f.input, fields: { completion: "response" }, name: "first" });
  assert.equal(run.records, 41);
  assert.deepEqual(run.components, ["a", "b"]);
  assert.match(run.outputSha256, /^[0-9a-f]{64}$/);
  const q = new RunQuery(store, run);
  const all = await q.records({}, { offset: 0, limit: 10 });
  assert.equal(all.total, 41);
  assert.deepEqual(all.rows.slice(0, 2).map((r) => [r.id, r.group, r.completionLength]), [["r0", "g0", 7], ["r1", "g1", 8]]);
  assert.equal((await q.records({ status: "error" }, { offset: 0, limit: 50 })).total, 9);
  assert.deepEqual((await q.records({ min: 0.5, max: 0.6 }, { offset: 0, limit: 50 })).rows.map((r) => r.idx), [21, 22, 23, 24]);
  assert.equal((await q.records({ component: "a", min: 1 }, { offset: 0, limit: 50 })).total, 20);
  assert.equal((await q.records({ component: "b", status: "error" }, { offset: 0, limit: 50 })).total, 8);
  assert.equal((await q.records({ group: "g3", status: "ok" }, { offset: 0, limit: 50 })).total, 8);
  assert.deepEqual((await q.records({ text: "needle" }, { offset: 0, limit: 50 })).rows.map((r) => r.id), ["r7"]);
  assert.deepEqual((await q.records({ text: "Ünïcode" }, { offset: 0, limit: 50 })).rows.map((r) => r.id), ["r7"]);
  assert.deepEqual((await q.records({ text: "boom", group: "g0" }, { offset: 0, limit: 50 })).rows.map((r) => r.id), ["r0", "r20"]);
  assert.equal((await q.records({ text: "line 41" }, { offset: 0, limit: 50 })).rows[0].idx, 40);
  const page2 = await q.records({ status: "ok" }, { offset: 30, limit: 10 });
  assert.equal(page2.total, 32);
  assert.equal(page2.rows.length, 2);

  const shown = (await q.record(7))!;
  assert.equal(shown.completion, "Ünïcode answer with NEEDLE");
  assert.equal((shown.output as any).id, "r7");
  assert.equal((await q.record(40))!.input, "not json");
  assert.equal(await q.record(41), undefined);

  const s = q.stats();
  assert.deepEqual(s.status, { ok: 32, unscorable: 0, error: 9 });
  assert.equal(s.histogram!.counts.reduce((a, b) => a + b, 0), 32);
  assert.equal(s.components.find((c) => c.name === "a")!.histogram!.counts.reduce((a, b) => a + b, 0), 41 - 1);
  assert.equal(s.groups.count, 4);
  assert.equal(s.groups.withAdvantage, 32);
  assert.equal(s.lengthScatter.length, 32);
  store.close();

  // The store is a file: reopened, the run is still there.
  const again = new RunStore(join(dir, "store"));
  assert.deepEqual(again.runs().map((r) => r.name), ["first"]);
  assert.equal(again.remove(run.id), true);
  assert.deepEqual(again.runs(), []);
  again.close();
});

test("results and input of different lengths are refused (nothing recorded)", async () => {
  const dir = tempDir();
  const f = files(dir, "x", rows.slice(0, 3));
  writeFileSync(f.input, JSON.stringify(rows[0].input) + "\n");
  const store = new RunStore(":memory:");
  await assert.rejects(recordRun(store, { outputPath: f.output, inputPath: f.input }), /3 lines but the input has 1/);
  assert.deepEqual(store.runs(), []);
  store.close();
});

test("two runs compare by record id: changed rewards and statuses, paired statistics, different-only rows", async () => {
  const dir = tempDir();
  const store = new RunStore(":memory:");
  const a = await recordRun(store, { outputPath: files(dir, "a", rows).output });
  const changed = rows.map((r, i) => ({ input: r.input, output: { ...r.output, reward: i === 3 ? 0.9 : i === 0 ? 0.2 : r.output.reward, status: i === 0 ? "ok" : r.output.status } }));
  // The new run lacks r39 and has r99, and lists records in another order.
  changed.pop();
  changed.reverse();
  changed.push({ input: rows[1].input, output: { ...rows[1].output, id: "r99" } });
  const b = await recordRun(store, { outputPath: files(dir, "b", changed).output });
  const c = compareRuns(store, a.id, b.id);
  assert.equal(c.paired, 39);
  assert.equal(c.onlyA, 1);
  assert.equal(c.onlyB, 1);
  assert.equal(c.changedStatus, 1);
  assert.deepEqual(c.transitions, { "error→ok": 1 });
  assert.equal(c.changedReward, 1);
  assert.equal(c.stats.n, 31);
  assert.equal(c.stats.better, 1);
  assert.equal(c.stats.ties, 30);
  assert.ok(Math.abs(c.stats.meanDiff! - (0.9 - 3 / 40) / 31) < 1e-12);
  const diff = comparedRecords(store, a.id, b.id, { different: true, offset: 0, limit: 50 });
  assert.deepEqual(diff.rows.map((r) => [r.id, r.statusA, r.statusB]), [["r0", "error", "ok"], ["r3", "ok", "ok"]]);
  assert.equal(comparedRecords(store, a.id, b.id, { offset: 0, limit: 50 }).total, 39);
  store.close();
});

test("paired statistics: bootstrap interval holds the mean difference; sign test is the exact binomial", () => {
  const old = Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
  const neu = old.map((x, i) => x + (i % 4 === 0 ? -0.1 : 0.1));
  const s = pairedStats(old, neu);
  assert.ok(Math.abs(s.meanDiff! - 0.05) < 1e-12);
  assert.ok(s.ci![0] < 0.05 && 0.05 < s.ci![1]);
  assert.ok(s.ci![0] > 0, "150 of 200 better: the interval excludes 0");
  assert.deepEqual(pairedStats(old, neu), s, "seeded: the same data gives the same interval");
  assert.equal(s.better, 150);
  // Binomial(10, 1/2): P(X <= 1) = 11/1024, two-sided 22/1024.
  assert.ok(Math.abs(signTestP(9, 1) - 22 / 1024) < 1e-12);
  assert.equal(signTestP(5, 5), 1);
  assert.equal(pairedStats([], []).meanDiff, null);
});

test("text search: a line longer than one read, matches after it, the typed / lower / UPPER / Capitalized forms", async () => {
  const dir = tempDir();
  const big = "x".repeat(9 << 20) + " Needle";
  const f = files(dir, "big", [
    { input: { id: "a", completion: "nothing here" }, output: { id: "a", reward: 1, status: "ok" } },
    { input: { id: "b", completion: big }, output: { id: "b", reward: 1, status: "ok" } },
    { input: { id: "c", completion: "NEEDLE at the end" }, output: { id: "c", reward: 1, status: "ok" } },
    { input: { id: "d", completion: "neeDLE" }, output: { id: "d", reward: 1, status: "ok" } },
  ]);
  const store = new RunStore(":memory:");
  const q = new RunQuery(store, await recordRun(store, { outputPath: f.output, inputPath: f.input }));
  assert.deepEqual(Array.from(await q.textSearch("needle")), [1, 2]);
  assert.deepEqual(Array.from(await q.textSearch("neeDLE")), [1, 2, 3]);
  assert.deepEqual((await q.records({ text: "NEEDLE" }, { offset: 1, limit: 5 })).rows.map((r) => r.id), ["c"]);
  store.close();
});
