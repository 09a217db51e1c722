import { setImmediate as nextTurn } from "node:timers/promises";
import { errorMessage } from "../core/errors.ts";
import type { OutputRecord, Sample } from "../core/types.ts";
import { errorRecord, type Scorer } from "../pipeline/scorer.ts";
import { Admission, type Ticket } from "./admission.ts";

/** Receives results in input order: `records[k]` is the result of sample `offset + k`. */
export type Emit = (offset: number, records: OutputRecord[]) => void;

const TIMED_OUT = Symbol("timed out");

/**
 * Runs scoring requests through bounded admission, in chunks, under a per-request deadline.
 * Chunking lets other requests (and /health, /metrics) in between the chunks of a large batch and
 * lets the deadline stop work that has not started yet.
 */
export class ScoringService {
  readonly scorer: Scorer;
  readonly admission: Admission;
  private readonly chunkSize: number;
  private readonly timeoutMs: number;
  /** Pending waits with their deadlines, checked by one interval timer (cheaper than a timer per request). */
  private readonly watched = new Set<{ deadline: number; expire(): void }>();
  private readonly tickMs: number;
  private ticker: NodeJS.Timeout | undefined;

  constructor(scorer: Scorer, options: { concurrency: number; maxQueue: number; chunkSize: number; timeoutMs: number }) {
    this.scorer = scorer;
    this.admission = new Admission(options.concurrency, options.maxQueue);
    this.chunkSize = options.chunkSize;
    this.timeoutMs = options.timeoutMs;
    this.tickMs = Math.min(50, Math.max(1, Math.floor(options.timeoutMs / 20)));
  }

  /** A ticket to score one request, or undefined when the server is overloaded (answer 429). */
  admit(): Ticket | undefined {
    return this.admission.admit();
  }

  /**
   * Score `samples`, emitting every result exactly once and in order. Records not scored before
   * `deadline` (a performance.now() time) are emitted as error records. The ticket is released when
   * the work has really stopped: a chunk of an async reward that outlives the deadline keeps its slot.
   */
  async run(ticket: Ticket, samples: readonly Sample[], deadline: number, emit: Emit, abandoned?: () => boolean): Promise<void> {
    let unfinished: Promise<unknown> | undefined;
    try {
      if (!ticket.granted && (await this.beforeDeadline(ticket.slot, deadline)) === TIMED_OUT) {
        emit(0, this.timedOut(samples, 0));
        return;
      }
      // A groupwise reward (pairwise judge) compares a group's records: keep the request whole.
      const chunkSize = this.scorer.groupwise ? samples.length : this.chunkSize;
      for (let start = 0; start < samples.length; start += chunkSize) {
        if (start > 0) await nextTurn();
        if (performance.now() >= deadline) {
          emit(start, this.timedOut(samples, start));
          return;
        }
        // Nobody will read the rest (a trainer that died or gave up): stop spending judge calls on it.
        if (abandoned?.()) {
          emit(start, this.unscored(samples, start, "not scored: the client closed the connection"));
          return;
        }
        const chunk = samples.length <= chunkSize ? samples : samples.slice(start, start + chunkSize);
        const work = this.scorer.scoreSamples(chunk).catch((err: unknown) => chunk.map((s) => errorRecord(s.id ?? null, `scoring failed: ${errorMessage(err)}`)));
        const results = await this.beforeDeadline(work, deadline);
        if (results === TIMED_OUT) {
          unfinished = work;
          emit(start, this.timedOut(samples, start));
          return;
        }
        emit(start, results);
      }
    } finally {
      if (unfinished) void unfinished.finally(() => ticket.release());
      else ticket.release();
    }
  }

  /** `work`'s value, or TIMED_OUT if the deadline passes first (checked every tickMs). */
  private beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
    return new Promise((resolve, reject) => {
      const entry = { deadline, expire: () => resolve(TIMED_OUT) };
      this.watch(entry);
      work.then(
        (value) => {
          this.unwatch(entry);
          resolve(value);
        },
        (err: unknown) => {
          this.unwatch(entry);
          reject(err);
        },
      );
    });
  }

  private watch(entry: { deadline: number; expire(): void }): void {
    this.watched.add(entry);
    // The ticker stops itself one tick after the last wait, so busy servers do not re-arm it per request.
    this.ticker ??= setInterval(() => {
      if (this.watched.size === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
        return;
      }
      const now = performance.now();
      for (const e of this.watched) {
        if (e.deadline <= now) {
          this.watched.delete(e);
          e.expire();
        }
      }
    }, this.tickMs).unref();
  }

  private unwatch(entry: { deadline: number; expire(): void }): void {
    this.watched.delete(entry);
  }

  private timedOut(samples: readonly Sample[], from: number): OutputRecord[] {
    return this.unscored(samples, from, `not scored within the server's per-request timeout (${this.timeoutMs} ms)`);
  }

  private unscored(samples: readonly Sample[], from: number, reason: string): OutputRecord[] {
    const out: OutputRecord[] = [];
    for (let i = from; i < samples.length; i++) out.push(errorRecord(samples[i].id ?? null, reason));
    return out;
  }
}
