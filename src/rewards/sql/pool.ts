import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DbSource, QueryReply, QueryRequest } from "./protocol.ts";

const RUNNER = fileURLToPath(new URL("./runner.ts", import.meta.url));

interface Job {
  request: QueryRequest;
  resolve: (reply: QueryReply) => void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * A small pool of query processes. Each runs one query at a time; a query that runs past
 * `timeoutMs` gets its process killed (SIGKILL) and a `timeout` reply, and a fresh process takes
 * its place on the next query. Processes are started lazily and do not keep the parent alive.
 */
export class QueryPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly size: number;
  private readonly timeoutMs: number;

  constructor(size: number, timeoutMs: number) {
    this.size = size;
    this.timeoutMs = timeoutMs;
  }

  query(db: DbSource, sql: string, maxRows: number): Promise<QueryReply> {
    if (this.closed) return Promise.resolve({ id: 0, ok: false, kind: "crash", message: "the SQL pool is closed" });
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, db, sql, maxRows }, resolve });
      this.dispatch();
    });
  }

  close(): void {
    this.closed = true;
    const running: Job[] = [];
    for (const s of this.slots) {
      this.stop(s);
      if (s.job) running.push(s.job);
      s.job = undefined;
    }
    this.slots.length = 0;
    // Queries in progress are settled too: their processes are gone and will never reply.
    for (const job of [...running, ...this.queue.splice(0)]) job.resolve({ id: job.request.id, ok: false, kind: "crash", message: "the SQL pool was closed" });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) break;
      this.assign(slot, this.queue.shift()!);
    }
    const starting = this.slots.filter((s) => !s.ready).length;
    const wanted = Math.min(this.queue.length - starting, this.size - this.slots.length);
    for (let k = 0; k < wanted; k++) this.spawn();
    this.holdProcessOpen(this.queue.length > 0 || this.slots.some((s) => s.job));
  }

  /** Idle query processes must not keep the parent alive; busy ones must, or pending replies would be lost. */
  private holdProcessOpen(busy: boolean): void {
    for (const s of this.slots) {
      if (busy) {
        s.child.ref();
        s.child.channel?.ref();
      } else {
        s.child.unref();
        s.child.channel?.unref();
      }
    }
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    slot.timer = setTimeout(() => this.fail(slot, "timeout", `the query ran longer than ${this.timeoutMs} ms and was stopped`), this.timeoutMs);
    slot.child.send(job.request);
  }

  private spawn(): void {
    // No inherited execArgv (e.g. --test, --inspect): the runner is a plain script.
    const child = fork(RUNNER, [], { execArgv: [], serialization: "advanced", stdio: ["ignore", "ignore", "ignore", "ipc"] });
    const slot: Slot = { child, ready: false };
    this.slots.push(slot);
    child.on("message", (msg: QueryReply | { ready: true }) => {
      if ("ready" in msg) {
        slot.ready = true;
      } else if (slot.job && msg.id === slot.job.request.id) {
        clearTimeout(slot.timer);
        const job = slot.job;
        slot.job = undefined;
        job.resolve(msg);
      }
      this.dispatch();
    });
    child.on("exit", (code, signal) => this.fail(slot, "crash", `the query process exited (${signal ?? code})`));
    child.on("error", (err) => this.fail(slot, "crash", `the query process failed: ${err.message}`));
  }

  /** Give the slot's job (if any) a failure reply, kill and forget the process, then go on with the queue. */
  private fail(slot: Slot, kind: "timeout" | "crash", message: string): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    this.stop(slot);
    const job = slot.job;
    slot.job = undefined;
    if (job) job.resolve({ id: job.request.id, ok: false, kind, message });
    else if (kind === "crash" && !slot.ready && this.queue.length > 0) {
      // The process could not even start: fail queued work instead of respawning forever.
      for (const j of this.queue.splice(0)) j.resolve({ id: j.request.id, ok: false, kind, message });
    }
    if (!this.closed) this.dispatch();
  }

  private stop(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.child.removeAllListeners("exit");
    if (slot.child.exitCode === null && slot.child.signalCode === null) slot.child.kill("SIGKILL");
  }
}
