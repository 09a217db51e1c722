import { setImmediate as nextTurn } from "node:timers/promises";
import { errorMessage } from "../core/errors.ts";
import type { OutputRecord, Sample } from "../core/types.ts";
import { errorRecord, type Scorer } from "../spec/scorer.ts";
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

  constructor(scorer: Scorer, options: { concurrency: number; maxQueue: number; chunkSize: number; timeoutMs: number }) {
    this.scorer = scorer;
    this.admission = new Admission(options.concurrency, options.maxQueue);
    this.chunkSize = options.chunkSize;
    this.timeoutMs = options.timeoutMs;
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
  async run(ticket: Ticket, samples: readonly Sample[], deadline: number, emit: Emit): Promise<void> {
    let unfinished: Promise<unknown> | undefined;
    try {
      if (!ticket.granted && (await beforeDeadline(ticket.slot, deadline)) === TIMED_OUT) {
        emit(0, this.timedOut(samples, 0));
        return;
      }
      for (let start = 0; start < samples.length; start += this.chunkSize) {
        if (start > 0) await nextTurn();
        if (performance.now() >= deadline) {
          emit(start, this.timedOut(samples, start));
          return;
        }
        const chunk = samples.length <= this.chunkSize ? samples : samples.slice(start, start + this.chunkSize);
        const work = this.scorer.scoreSamples(chunk).catch((err: unknown) => chunk.map((s) => errorRecord(s.id ?? null, `scoring failed: ${errorMessage(err)}`)));
        const results = await beforeDeadline(work, deadline);
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

  private timedOut(samples: readonly Sample[], from: number): OutputRecord[] {
    const reason = `not scored within the server's per-request timeout (${this.timeoutMs} ms)`;
    const out: OutputRecord[] = [];
    for (let i = from; i < samples.length; i++) out.push(errorRecord(samples[i].id ?? null, reason));
    return out;
  }
}

async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - performance.now()), TIMED_OUT);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
