import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Worker } from "bullmq";
import { createScorer } from "../../src/pipeline/score.ts";
import { scoreLines } from "../../src/pipeline/stream.ts";
import { scoreQueued } from "../../src/scale/coordinator.ts";
import { type ChunkJobData, QUEUE_PREFIX, queueName, redisConnection, specHash } from "../../src/scale/queue.ts";
import { loadSpec } from "../../src/spec/parse.ts";
import { startTestRedis } from "../../src/testing/redis.ts";
import { parseJsonl, tempDir } from "../helpers.ts";

test("queue: a chunk that fails every attempt becomes error records and a dead-letter entry; the other chunks are scored", async () => {
  const redis = await startTestRedis();
  const dir = tempDir();
  const specPath = join(dir, "s.yaml");
  writeFileSync(specPath, "rewards:\n  e: {type: exact}\n");
  const input = join(dir, "in.jsonl");
  writeFileSync(input, Array.from({ length: 9 }, (_, i) => JSON.stringify({ id: `r${i}`, completion: "a", reference: i % 2 ? "a" : "b" })).join("\n") + "\n");
  const spec = loadSpec(specPath);
  const scorer = createScorer(spec);
  const tries = new Map<number, number>();
  // A worker whose chunk 1 always throws (a reward that crashes its process, a poisoned record ...).
  const worker = new Worker<ChunkJobData, string>(
    queueName(specHash(specPath)),
    async (job) => {
      tries.set(job.data.index, (tries.get(job.data.index) ?? 0) + 1);
      if (job.data.index === 1) throw new Error("boom");
      const { records } = await scoreLines(scorer, job.data.lines, job.data.firstLine);
      return records.map((r) => JSON.stringify(r) + "\n").join("");
    },
    { connection: redisConnection(redis.url), prefix: QUEUE_PREFIX },
  );
  try {
    const out = join(dir, "out.jsonl");
    const summary = await scoreQueued({ queueUrl: redis.url, specPath, spec, inputPath: input, outPath: out, chunkSize: 3, attempts: 2, backoffMs: 10, pollMs: 10 });
    assert.equal(summary.chunks, 3);
    assert.equal(summary.deadChunks, 1);
    assert.equal(tries.get(1), 2, "the failing chunk was tried twice");
    const records = parseJsonl(readFileSync(out, "utf8"));
    assert.deepEqual(records.map((r) => r.id), Array.from({ length: 9 }, (_, i) => `r${i}`));
    assert.deepEqual(records.map((r) => r.status), ["ok", "ok", "ok", "error", "error", "error", "ok", "ok", "ok"]);
    assert.match(records[3].reason, /^chunk 1 \(lines 4-6\) failed after 2 attempt\(s\): boom$/);
    assert.deepEqual(records.map((r) => r.reward), [0, 1, 0, null, null, null, 0, 1, 0]);
    const dead = parseJsonl(readFileSync(summary.deadLetterPath!, "utf8"));
    assert.deepEqual(dead.map((d) => [d.chunk, d.first_line, d.lines, d.reason]), [[1, 4, 3, "boom"]]);
    assert.equal(summary.error, 3);
    assert.equal(existsSync(`${out}.partial`), false);
  } finally {
    await worker.close();
    await scorer.close();
    await redis.close();
  }
});
