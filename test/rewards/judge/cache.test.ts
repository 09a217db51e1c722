import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { test } from "node:test";
import { JudgeCache } from "../../../src/rewards/shared/http/cache.ts";
import { startFakeJudgeServer } from "../../../src/testing/judge-server.ts";
import { tempDir } from "../../helpers.ts";
import { judgeSpec, run } from "./helpers.ts";

const records = ["Paris", "Lyon", "Nice"].map((completion, i) => ({ id: i, prompt: "Capital of France?", completion, group: "q" }));

test("cache: a second run over the same records makes zero requests and gives the same output", async () => {
  const server = await startFakeJudgeServer();
  const cache = join(tempDir(), "judge.sqlite");
  try {
    for (const mode of ["pointwise", "pairwise"]) {
      const spec = judgeSpec(server.url, { mode, cache });
      const before = server.requests.length;
      const first = await run(spec, records);
      const asked = server.requests.length - before;
      assert.ok(asked > 0);
      const second = await run(spec, records);
      assert.equal(server.requests.length - before, asked, `${mode}: no request on the second run`);
      assert.deepEqual(second.out, first.out);
      assert.equal(second.summary["judge.cache_hits"], asked);
      assert.equal(second.summary["judge.requests"], 0);
    }
  } finally {
    await server.close();
  }
});

test("cache: keyed by model, prompt and params; --no-cache (flags.noCache in the reward context) bypasses it", async () => {
  const server = await startFakeJudgeServer();
  const cache = join(tempDir(), "judge.sqlite");
  try {
    const base = judgeSpec(server.url, { mode: "pointwise", cache });
    await run(base, records);
    const n = server.requests.length;
    await run(judgeSpec(server.url, { mode: "pointwise", cache, temperature: 0.2 }), records);
    assert.equal(server.requests.length, n + 3, "other sampling params miss the cache");
    await run({ rewards: { judge: { ...(base.rewards as Record<string, object>).judge, model: "other-judge" } } }, records);
    assert.equal(server.requests.length, n + 6, "another model misses the cache");
    await run(base, records, { noCache: true });
    assert.equal(server.requests.length, n + 9, "no cache: every record is asked again");
  } finally {
    await server.close();
  }
});

test("cache: failed requests are not cached", async () => {
  const server = await startFakeJudgeServer();
  const cache = join(tempDir(), "judge.sqlite");
  try {
    server.fail({ status: 500 });
    const spec = judgeSpec(server.url, { mode: "pointwise", cache });
    const first = await run(spec, [records[0]]);
    assert.equal(first.out[0].status, "error");
    const second = await run(spec, [records[0]]);
    assert.equal(second.out[0].status, "ok");
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test("cache: opening a cache file another process is writing waits for it instead of failing", async () => {
  // Two runs (or two serve workers) starting together on a fresh cache: one is still creating it.
  const path = join(tempDir(), "judge.sqlite");
  const holder = spawn(process.execPath, [
    "-e",
    `const db = new (require("node:sqlite").DatabaseSync)(${JSON.stringify(path)});
     db.exec("BEGIN EXCLUSIVE; CREATE TABLE t (x)");
     console.log("locked");
     setTimeout(() => { db.exec("COMMIT"); db.close(); }, 300);`,
  ]);
  const [line] = (await once(holder.stdout.setEncoding("utf8"), "data")) as [string];
  assert.equal(line.trim(), "locked");
  const cache = new JudgeCache(path);
  cache.put("k", { text: "reply" });
  assert.deepEqual(cache.get("k"), { text: "reply" });
  cache.close();
  await once(holder, "close");
});
