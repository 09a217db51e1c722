import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { RewardResult } from "../../core/types.ts";
import type { MathOptions } from "./engine.ts";

/** One (completion, reference) pair as sent to a worker. */
export type Pair = [completion: string, reference: string | readonly string[] | undefined];

export interface WorkerInit {
  /** Int32[0]: index in the chunk of the pair being scored; Int32[1]: pairs started (a heartbeat). */
  progress: SharedArrayBuffer;
  options: MathOptions;
}

export interface ChunkMessage {
  chunk: number;
  pairs: Pair[];
}

interface Job {
  pair: Pair;
  resolve: (r: RewardResult) => void;
}

interface Slot {
  worker: Worker;
  progress: Int32Array;
  chunk?: { id: number; jobs: Job[] };
  /** Whether the worker has loaded (its start-up time does not count against a pair). */
  ready: boolean;
  /** Heartbeat value and when it last changed (parent clock). */
  beat: number;
  since: number;
}

const CHUNK = 32;

/**
 * A pool of worker threads scoring math pairs under a per-pair time budget. A worker stuck on one
 * pair longer than the budget is terminated and replaced; that pair gets `error: timeout`, the
 * other pairs of its chunk are queued again. Workers hold the process open only while busy.
 */
export class MathPool {
  private readonly size: number;
  private readonly options: MathOptions;
  private readonly budgetMs: number;
  private readonly workerUrl: URL;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextChunk = 0;
  private watchdog?: NodeJS.Timeout;
  private closed = false;

  /** `workerUrl` replaces the worker script (tests use it to simulate a pair that never finishes). */
  constructor(options: MathOptions, budgetMs: number, size: number = availableParallelism(), workerUrl = new URL("./worker.ts", import.meta.url)) {
    this.options = options;
    this.workerUrl = workerUrl;
    this.budgetMs = budgetMs;
    this.size = Math.max(1, size);
  }

  score(pairs: readonly Pair[]): Promise<RewardResult[]> {
    if (this.closed) return Promise.reject(new Error("math pool is closed"));
    const promises = pairs.map((pair) => new Promise<RewardResult>((resolve) => this.queue.push({ pair, resolve })));
    this.pump();
    return Promise.all(promises);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const slots = this.slots.splice(0);
    for (const s of slots) for (const job of s.chunk?.jobs ?? []) job.resolve({ reward: null, status: "error", reason: "math pool closed" });
    for (const job of this.queue.splice(0)) job.resolve({ reward: null, status: "error", reason: "math pool closed" });
    // A pending terminate() does not by itself keep the event loop alive: without this timer a
    // caller awaiting close() (the CLI, after its output broke) could see the process exit with
    // its await unsettled (exit status 13, no error message).
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.chunk);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) break;
      const jobs = this.queue.splice(0, Math.max(1, Math.min(CHUNK, Math.ceil(this.queue.length / this.size))));
      const id = this.nextChunk++;
      slot.chunk = { id, jobs };
      Atomics.store(slot.progress, 0, 0);
      slot.beat = Atomics.load(slot.progress, 1);
      slot.since = performance.now();
      slot.worker.ref();
      slot.worker.postMessage({ chunk: id, pairs: jobs.map((j) => j.pair) } satisfies ChunkMessage);
    }
    this.ensureWatchdog();
  }

  private spawn(): Slot {
    const progress = new SharedArrayBuffer(8);
    const worker = new Worker(this.workerUrl, { workerData: { progress, options: this.options } satisfies WorkerInit });
    const slot: Slot = { worker, progress: new Int32Array(progress), ready: false, beat: 0, since: performance.now() };
    worker.on("message", (msg: { ready?: true; chunk: number; results: RewardResult[] }) => {
      if (msg.ready) {
        slot.ready = true;
        slot.since = performance.now();
        return;
      }
      const chunk = slot.chunk;
      if (!chunk || chunk.id !== msg.chunk) return;
      slot.chunk = undefined;
      worker.unref();
      chunk.jobs.forEach((job, i) => job.resolve(msg.results[i]));
      this.pump();
    });
    worker.on("error", (err) => this.fail(slot, `math worker failed: ${err.message}`));
    worker.on("exit", () => this.fail(slot, "math worker exited"));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** The pair in progress on `slot` fails with `reason`; the rest of its chunk is queued again. */
  private fail(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const chunk = slot.chunk;
    slot.chunk = undefined;
    void slot.worker.terminate();
    if (chunk) {
      const stuck = Math.min(Atomics.load(slot.progress, 0), chunk.jobs.length - 1);
      chunk.jobs[stuck].resolve({ reward: null, status: "error", reason });
      this.queue.unshift(...chunk.jobs.filter((_, k) => k !== stuck));
    }
    if (!this.closed) this.pump();
  }

  private ensureWatchdog(): void {
    const busy = this.slots.some((s) => s.chunk);
    if (busy && !this.watchdog) {
      this.watchdog = setInterval(() => this.check(), Math.max(5, Math.min(100, this.budgetMs / 4)));
    } else if (!busy && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const slot of [...this.slots]) {
      if (!slot.chunk || !slot.ready) continue;
      const beat = Atomics.load(slot.progress, 1);
      if (beat !== slot.beat) {
        slot.beat = beat;
        slot.since = now;
      } else if (now - slot.since > this.budgetMs) {
        this.fail(slot, "timeout");
      }
    }
    this.ensureWatchdog();
  }
}
