import { createServer, type Server } from "node:http";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { RunFlags } from "../core/reward.ts";
import { Scorer } from "../pipeline/scorer.ts";
import { scoreLines } from "../pipeline/stream.ts";
import type { Spec } from "../spec/spec.ts";
import { checkRedis, type ChunkJobData, QUEUE_PREFIX, queueName, redisConnection, specHash } from "./queue.ts";

export interface ChunkWorkerOptions {
  queueUrl: string;
  /** The spec file: its bytes name the queue (the coordinator must use the same file). */
  specPath: string;
  spec: Spec;
  flags?: RunFlags;
  /** Chunks scored at the same time by this process (default 1; a chunk's records already run concurrently). */
  concurrency?: number;
  /**
   * How long a chunk's lock lasts without renewal (default 30 000 ms): a worker that dies
   * (SIGKILL, a lost machine) loses its chunk to another worker after at most about twice this.
   */
  lockDurationMs?: number;
  /** Serve the queue's counts for Prometheus (waiting, active, failed ...) on this port at /metrics. */
  metricsPort?: number;
  metricsHost?: string;
  log?(line: string): void;
}

export interface ChunkWorker {
  queue: string;
  /** Chunks this process finished. */
  readonly processed: number;
  /** e.g. http://127.0.0.1:9464/metrics when metricsPort is set. */
  metricsUrl?: string;
  /** Finish the chunks in hand, stop taking new ones, release the scorer. */
  close(): Promise<void>;
}

/** Take chunk jobs of `rewardsmith score --queue` runs of this spec and score them with the pipeline's Scorer. */
export async function startChunkWorker(o: ChunkWorkerOptions): Promise<ChunkWorker> {
  const hash = specHash(o.specPath);
  const name = queueName(hash);
  const log = o.log ?? (() => {});
  await checkRedis(o.queueUrl);
  const scorer = new Scorer(o.spec, undefined, { flags: o.flags });
  const lockDuration = o.lockDurationMs ?? 30_000;
  let processed = 0;
  const worker = new Worker<ChunkJobData, string>(
    name,
    async (job) => {
      const d = job.data;
      if (d.spec !== hash) throw new UnrecoverableError("the chunk belongs to a run of another spec file");
      const last = d.firstLine + d.lines.length - 1;
      log(`chunk ${d.index} started: run ${d.run}, lines ${d.firstLine}-${last}, attempt ${job.attemptsMade + 1}`);
      const t0 = performance.now();
      const { records } = await scoreLines(scorer, d.lines, d.firstLine);
      let text = "";
      for (const rec of records) text += JSON.stringify(rec) + "\n";
      processed++;
      log(`chunk ${d.index} done: run ${d.run}, ${records.length} records in ${Math.round(performance.now() - t0)} ms`);
      return text;
    },
    {
      connection: redisConnection(o.queueUrl),
      prefix: QUEUE_PREFIX,
      concurrency: o.concurrency ?? 1,
      lockDuration,
      stalledInterval: lockDuration,
      // A chunk whose worker died goes back to the queue; one that keeps killing workers fails.
      maxStalledCount: 3,
      autorun: true,
    },
  );
  worker.on("error", (err) => log(`queue error: ${err.message}`));
  worker.on("failed", (job, err) => job && log(`chunk ${job.data.index} failed: run ${job.data.run}, attempt ${job.attemptsMade}: ${err.message}`));
  try {
    await worker.waitUntilReady();
  } catch (err) {
    await worker.close(true).catch(() => {});
    await scorer.close();
    throw err;
  }

  let metrics: Server | undefined;
  let metricsQueue: Queue | undefined;
  let metricsUrl: string | undefined;
  if (o.metricsPort !== undefined) {
    const q = (metricsQueue = new Queue(name, { connection: redisConnection(o.queueUrl), prefix: QUEUE_PREFIX }));
    q.on("error", () => {});
    metrics = createServer((req, res) => {
      if (req.url !== "/metrics") {
        res.writeHead(404).end();
        return;
      }
      q.exportPrometheusMetrics().then(
        (text) => res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(text),
        (err: Error) => res.writeHead(503).end(err.message),
      );
    });
    const host = o.metricsHost ?? "0.0.0.0";
    await new Promise<void>((resolve, reject) => metrics!.once("error", reject).listen(o.metricsPort, host, () => resolve()));
    const port = (metrics.address() as { port: number }).port;
    metricsUrl = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/metrics`;
  }

  let closing: Promise<void> | undefined;
  return {
    queue: name,
    get processed() {
      return processed;
    },
    metricsUrl,
    close: () =>
      (closing ??= (async () => {
        try {
          await worker.close();
          await metricsQueue?.close();
          await new Promise<void>((resolve) => (metrics ? metrics.close(() => resolve()) : resolve()));
        } finally {
          await scorer.close();
        }
      })()),
  };
}
