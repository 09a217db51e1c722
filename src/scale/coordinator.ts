import { createHash } from "node:crypto";
import { appendFileSync, closeSync, createReadStream, createWriteStream, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { Job, Queue } from "bullmq";
import type { OutputRecord } from "../core/types.ts";
import { appendColumns } from "../pipeline/normalized.ts";
import { Normalizer } from "../pipeline/normalizer.ts";
import { groupKeyReader, recordId } from "../pipeline/record.ts";
import { errorRecord } from "../pipeline/scorer.ts";
import { StreamIoError } from "../pipeline/stream.ts";
import { type Summary, SummaryBuilder } from "../pipeline/summary.ts";
import { LineSplitter } from "../pipeline/jsonl.ts";
import type { Spec } from "../spec/spec.ts";
import { type Chunk, chunkLines, readInputLines } from "./chunks.ts";
import { checkRedis, type ChunkJobData, chunkJobId, QUEUE_PREFIX, queueName, redisConnection, specHash } from "./queue.ts";

export interface QueuedScoreOptions {
  /** redis://host:port/db */
  queueUrl: string;
  /** The spec file (its bytes name the queue; workers must be started with the same file). */
  specPath: string;
  spec: Spec;
  /** A file: resuming reads it again. */
  inputPath: string;
  outPath: string;
  /** Lines per chunk job (default 256); a group is never split, so a chunk may hold more. */
  chunkSize?: number;
  /** Chunks waiting in Redis at once (default 64): bounds Redis memory whatever the input size. */
  window?: number;
  /** Tries per chunk before it goes to the dead-letter report (default 3). */
  attempts?: number;
  /** First retry delay of a failed chunk, doubled each time (default 1000 ms). */
  backoffMs?: number;
  /** How often the next chunk's job is looked at (default 100 ms). */
  pollMs?: number;
  onProgress?(p: QueuedProgress): void;
}

export interface QueuedProgress {
  records: number;
  /** Input bytes up to the end of the last chunk written. */
  bytesRead: number;
  chunks: number;
}

export interface QueuedSummary extends Summary {
  queue: string;
  run: string;
  chunks: number;
  /** Chunks found already written by an earlier, interrupted run of the same command. */
  resumedChunks: number;
  /** Chunks that failed every attempt: their records are error records, listed in deadLetterPath. */
  deadChunks: number;
  deadLetterPath?: string;
}

/** What survives a crash of the coordinator, next to the output (`<out>.partial.json`). */
interface RunState {
  version: 1;
  run: string;
  /** Chunks written to the partial output, in input order. */
  chunks: number;
  /** Bytes of the partial output that belong to those chunks (anything after is cut). */
  bytes: number;
  dead: number;
}

interface Pending {
  index: number;
  firstLine: number;
  lines: Array<string | null>;
  end: number;
  jobId: string;
}

/**
 * Score a JSONL file on a BullMQ queue: the input is cut into chunk jobs (a group is never split),
 * `rewardsmith worker` processes anywhere score them, and the results are written in input order.
 * Each written chunk is synced to `<out>.partial` and recorded in `<out>.partial.json` before its
 * job is removed, so running the same command again after a crash continues where it stopped:
 * written chunks are kept, finished jobs are read from Redis, no chunk lands twice in the output.
 * A chunk that fails all its attempts gets one error record per line and an entry in
 * `<out>.dead-letter.jsonl`. Normalisation (a normalize block) runs once all chunks are in.
 */
export async function scoreQueued(o: QueuedScoreOptions): Promise<QueuedSummary> {
  const started = performance.now();
  const chunkSize = o.chunkSize ?? 256;
  const window = Math.max(1, o.window ?? 64);
  const attempts = o.attempts ?? 3;
  const pollMs = o.pollMs ?? 100;
  const hash = specHash(o.specPath);
  const name = queueName(hash);
  let input: { size: number; mtimeMs: number; path: string };
  try {
    const st = statSync(o.inputPath);
    if (!st.isFile()) throw new Error("it is not a regular file (a queued run reads its input again when resumed)");
    input = { size: st.size, mtimeMs: st.mtimeMs, path: realpathSync(o.inputPath) };
  } catch (err) {
    throw new StreamIoError(`cannot read the input ${o.inputPath}: ${(err as Error).message}`);
  }
  await checkRedis(o.queueUrl);
  const run = createHash("sha256").update(JSON.stringify({ spec: hash, ...input, chunkSize })).digest("hex").slice(0, 16);
  const partialPath = `${o.outPath}.partial`;
  const statePath = `${partialPath}.json`;
  const deadPath = `${o.outPath}.dead-letter.jsonl`;

  let state = readState(statePath);
  const resuming = state !== undefined && state.run === run && existsSync(partialPath);
  if (!resuming) {
    state = { version: 1, run, chunks: 0, bytes: 0, dead: 0 };
    rmSync(deadPath, { force: true });
  }
  const st: RunState = state!;
  const resumedChunks = st.chunks;
  let fd: number;
  try {
    fd = openSync(partialPath, resuming ? "r+" : "w+");
    ftruncateSync(fd, st.bytes); // a chunk half-written when the last run stopped is written again
    writeState(statePath, st);
  } catch (err) {
    throw new StreamIoError(`cannot write ${partialPath}: ${(err as Error).message}`);
  }

  // Closed once: a descriptor number closed twice may by then belong to another file.
  let fdOpen = true;
  const closeFd = () => {
    if (fdOpen) closeSync(fd);
    fdOpen = false;
  };
  const queue = new Queue<ChunkJobData, string>(name, { connection: redisConnection(o.queueUrl), prefix: QUEUE_PREFIX });
  // A Redis hiccup during the run is retried by the client; the commands that fail say why.
  queue.on("error", () => {});
  try {
    await queue.waitUntilReady();
    // The chunk written last may still have its job (the run stopped between the two steps).
    if (st.chunks > 0) await queue.remove(chunkJobId(run, st.chunks - 1));

    const chunks = chunkLines(readInputLines(o.inputPath), chunkSize, groupKeyReader(o.spec.fields))[Symbol.asyncIterator]();
    const pending: Pending[] = [];
    let exhausted = false;
    let total = 0;
    const jobOf = (c: Pending) => ({
      name: "chunk",
      data: { run, index: c.index, firstLine: c.firstLine, lines: c.lines, spec: hash } satisfies ChunkJobData,
      opts: { jobId: c.jobId, attempts, backoff: { type: "exponential", delay: o.backoffMs ?? 1000 }, removeOnComplete: false, removeOnFail: false },
    });
    const fill = async () => {
      const fresh: Pending[] = [];
      while (!exhausted && pending.length + fresh.length < window) {
        let next: IteratorResult<Chunk>;
        try {
          next = await chunks.next();
        } catch (err) {
          throw new StreamIoError(`cannot read the input ${o.inputPath}: ${(err as Error).message}`);
        }
        if (next.done) {
          exhausted = true;
          break;
        }
        const c = next.value;
        total = c.index + 1;
        if (c.index < st.chunks) continue; // already in the partial output
        fresh.push({ index: c.index, firstLine: c.firstLine, lines: c.lines, end: c.end, jobId: chunkJobId(run, c.index) });
      }
      // A job id that exists (the interrupted run added it, a worker may have finished it) is not added again.
      if (fresh.length > 0) await queue.addBulk(fresh.map(jobOf));
      pending.push(...fresh);
    };

    const idField = o.spec.fields.id ?? "id";
    let records = 0;
    await fill();
    while (pending.length > 0) {
      const head = pending[0];
      const { job, completed } = await finished(queue, head, pollMs, () => queue.add("chunk", jobOf(head).data, jobOf(head).opts));
      let text: string | undefined;
      let failure: string | undefined;
      if (completed && typeof job.returnvalue === "string") {
        text = String(job.returnvalue);
        const lines = countLines(text);
        if (lines !== head.lines.length) {
          failure = `the worker returned ${lines} records for ${head.lines.length} lines`;
          text = undefined;
        }
      } else failure = job.failedReason || "failed";
      if (text === undefined) {
        const reason = `chunk ${head.index} (lines ${head.firstLine}-${head.firstLine + head.lines.length - 1}) failed after ${job.attemptsMade} attempt(s): ${failure}`;
        text = head.lines.map((line) => JSON.stringify(errorRecord(line === null ? null : recordId(parseOrUndefined(line), idField), reason)) + "\n").join("");
        appendFileSync(deadPath, JSON.stringify({ run, chunk: head.index, first_line: head.firstLine, lines: head.lines.length, attempts: job.attemptsMade, reason: failure }) + "\n");
        st.dead++;
      }
      try {
        const buf = Buffer.from(text, "utf8");
        let at = 0;
        while (at < buf.length) at += writeSync(fd, buf, at, buf.length - at, st.bytes + at);
        fdatasyncSync(fd);
        st.bytes += buf.length;
        st.chunks = head.index + 1;
        writeState(statePath, st);
      } catch (err) {
        throw new StreamIoError(`cannot write ${partialPath}: ${(err as Error).message}`);
      }
      await queue.remove(head.jobId);
      pending.shift();
      records += head.lines.length;
      o.onProgress?.({ records, bytesRead: head.end, chunks: st.chunks });
      await fill();
    }
    total = Math.max(total, st.chunks);

    // All chunks are in: the summary (and the advantages) over the whole output.
    const normalizer = o.spec.normalize ? new Normalizer(o.spec) : undefined;
    const run_ = normalizer?.runCollector();
    const stats = new SummaryBuilder();
    const inputs = readInputLines(o.inputPath)[Symbol.asyncIterator]();
    const splitter = new LineSplitter();
    for await (const chunk of createReadStream("", { fd, start: 0, autoClose: false, highWaterMark: 1 << 20, encoding: "utf8" })) {
      for (const line of splitter.push(chunk as string)) {
        const rec = JSON.parse(line) as OutputRecord;
        stats.add(rec);
        if (run_) {
          const raw = await inputs.next();
          run_.add(raw.done || raw.value.text === null ? undefined : parseOrUndefined(raw.value.text), rec);
        }
      }
    }
    let normalize: Summary["normalize"];
    if (run_) {
      const normalized = run_.collector.finish();
      normalize = normalized.summary;
      const out = createWriteStream(o.outPath);
      await appendColumns(fd, out, normalized);
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(new StreamIoError(`cannot write the output: ${err.message}`)) : resolve())));
      closeFd();
      rmSync(partialPath, { force: true });
    } else {
      closeFd();
      renameSync(partialPath, o.outPath);
    }
    rmSync(statePath, { force: true });
    const wallSeconds = (performance.now() - started) / 1000;
    const summary: QueuedSummary = { ...stats.build(wallSeconds), queue: name, run, chunks: total, resumedChunks, deadChunks: st.dead };
    if (normalize) summary.normalize = normalize;
    if (st.dead > 0) summary.deadLetterPath = deadPath;
    return summary;
  } finally {
    closeFd();
    await queue.close();
  }
}

/** Wait until the chunk's job is completed or failed for good (a job that vanished from Redis is added again). */
async function finished(queue: Queue<ChunkJobData, string>, head: Pending, pollMs: number, readd: () => Promise<unknown>): Promise<{ job: Job<ChunkJobData, string>; completed: boolean }> {
  for (;;) {
    const state = await queue.getJobState(head.jobId);
    if (state === "completed" || state === "failed") {
      const job = await Job.fromId<ChunkJobData, string>(queue, head.jobId);
      if (job) return { job, completed: state === "completed" };
    }
    if (state === "unknown") await readd();
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function readState(path: string): RunState | undefined {
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as RunState;
    return s.version === 1 && typeof s.run === "string" && Number.isInteger(s.chunks) && Number.isInteger(s.bytes) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Replace the state file in one step (write a temporary file, then rename it over). */
function writeState(path: string, state: RunState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
