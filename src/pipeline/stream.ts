import type { Readable, Writable } from "node:stream";
import { isUtf8 } from "node:buffer";
import { errorMessage } from "../core/errors.ts";
import type { OutputRecord } from "../core/types.ts";
import { drained, LineSplitter } from "./jsonl.ts";
import { errorRecord, type Scorer } from "./scorer.ts";
import { type Summary, SummaryBuilder } from "./summary.ts";

export interface StreamOptions {
  /** Records per batch handed to the rewards (default 512). */
  batchSize?: number;
  /** Batches scored at the same time (default 4); output order is kept whatever finishes first. */
  concurrency?: number;
  /** Called after each batch is written. */
  onProgress?(progress: Progress): void;
  /**
   * Called for each batch in input order, before it is written: the parsed input lines
   * (undefined for lines that are empty or not JSON) and their output records.
   */
  onScored?(inputs: readonly unknown[], records: readonly OutputRecord[]): void;
}

export interface Progress {
  records: number;
  bytesRead: number;
}

/** Input or output failed (not a bad record: those become error records). */
export class StreamIoError extends Error {
  override name = "StreamIoError";
}

/**
 * Score a JSONL stream into a JSONL stream: one output line per input line, in input order,
 * including lines that are empty or not valid JSON (status error, the reason names the line).
 * Memory stays flat: at most `concurrency` batches are in flight and writes respect backpressure.
 */
export async function scoreStream(scorer: Scorer, input: Readable, output: Writable, options: StreamOptions = {}): Promise<Summary> {
  const batchSize = options.batchSize ?? 512;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const started = performance.now();
  const stats = new SummaryBuilder();
  const inFlight: Array<Promise<ScoredBatch>> = [];
  let bytesRead = 0;
  let lineNo = 0;
  /** Lines of the next batch; null for a line that is not valid UTF-8. */
  let batch: Array<string | null> = [];
  let batchStart = 1;
  let outputError = undefined as Error | undefined;
  output.on("error", (err) => (outputError ??= err));

  const checkOutput = () => {
    if (outputError) throw new StreamIoError(`cannot write the output: ${outputError.message}`);
  };
  const flushOne = async () => {
    const scored = await inFlight.shift()!;
    options.onScored?.(scored.inputs, scored.records);
    let text = "";
    for (const rec of scored.records) {
      stats.add(rec);
      text += JSON.stringify(rec) + "\n";
    }
    checkOutput();
    if (!output.write(text)) await drained(output);
    checkOutput();
    options.onProgress?.({ records: stats.records, bytesRead });
  };
  const dispatch = async () => {
    if (batch.length === 0) return;
    inFlight.push(scoreLines(scorer, batch, batchStart));
    batch = [];
    batchStart = lineNo + 1;
    if (inFlight.length >= concurrency) await flushOne();
  };
  const addLine = async (line: string | null) => {
    lineNo++;
    batch.push(line !== null && line.endsWith("\r") ? line.slice(0, -1) : line);
    if (batch.length >= batchSize) await dispatch();
  };
  // Groupwise rewards (pairwise judges) compare the records of a group, so a full batch is cut
  // only where the group changes: a group on adjacent lines is never split (up to MAX_GROUP_LINES).
  let lastGroup: string | undefined;
  const addGroupedLine = async (line: string | null) => {
    const text = line !== null && line.endsWith("\r") ? line.slice(0, -1) : line;
    const group = text === null ? undefined : scorer.groupKey(parseOrUndefined(text));
    const sameGroup = group !== undefined && group === lastGroup;
    if (batch.length >= batchSize && !(sameGroup && batch.length < batchSize + MAX_GROUP_LINES)) await dispatch();
    lastGroup = group;
    lineNo++;
    batch.push(text);
  };
  const add = scorer.groupwise ? addGroupedLine : addLine;

  const lines = new LineSplitter();
  // Decoding replaces bytes that are not UTF-8 with U+FFFD, silently changing the record (and
  // making different Latin-1 words equal): such a line is refused instead.
  let pendingInvalid = false;
  let carry: Buffer | undefined; // the start of a character cut off at the end of the last chunk
  let atStart = true;
  try {
    for await (const chunk of input) {
      bytesRead += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      let text: string;
      let invalid: boolean[] | undefined; // per piece of this chunk between newlines
      if (typeof chunk === "string") text = chunk;
      else {
        const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
        const end = completeCharsEnd(data);
        carry = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
        const whole = data.subarray(0, end);
        text = whole.toString("utf8");
        if (!isUtf8(whole)) invalid = invalidPieces(whole);
      }
      // A byte order mark (Windows editors write one) is not part of the first record.
      if (atStart && text !== "") {
        atStart = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      let k = 0;
      for (const line of lines.push(text)) {
        await add(pendingInvalid || invalid?.[k] ? null : line);
        pendingInvalid = false;
        k++;
      }
      if (invalid?.[k]) pendingInvalid = true;
    }
  } catch (err) {
    if (err instanceof StreamIoError) throw err;
    throw new StreamIoError(`cannot read the input: ${errorMessage(err)}`);
  }
  if (carry) await add(null); // the input ends inside a character
  else {
    const last = lines.end();
    if (pendingInvalid) await add(null);
    else if (last !== "") await add(last);
  }
  await dispatch();
  while (inFlight.length > 0) await flushOne();
  const wallSeconds = (performance.now() - started) / 1000;
  const summary = stats.build(wallSeconds);
  const totals = scorer.summary();
  if (Object.keys(totals).length > 0) summary.rewards = totals;
  return summary;
}

export interface ScoredBatch {
  inputs: unknown[];
  records: OutputRecord[];
}

/** The most lines a batch grows past its size to keep one group together. */
const MAX_GROUP_LINES = 100_000;

/** Where the last complete UTF-8 character of `data` ends (a cut-off one continues in the next chunk). */
function completeCharsEnd(data: Buffer): number {
  for (let i = data.length - 1; i >= 0 && i >= data.length - 3; i--) {
    const b = data[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + size > data.length ? i : data.length;
  }
  return data.length;
}

/** For each newline-separated piece of `data`: whether it holds bytes that are not UTF-8. */
function invalidPieces(data: Buffer): boolean[] {
  const out: boolean[] = [];
  let start = 0;
  for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
    out.push(!isUtf8(data.subarray(start, nl)));
    start = nl + 1;
  }
  out.push(!isUtf8(data.subarray(start)));
  return out;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Score the lines of one batch (null: a line that is not UTF-8); `firstLine` numbers them in the reasons of bad lines. */
export async function scoreLines(scorer: Scorer, lines: Array<string | null>, firstLine: number): Promise<ScoredBatch> {
  const out = new Array<OutputRecord>(lines.length);
  const inputs = new Array<unknown>(lines.length);
  const raws: unknown[] = [];
  const where: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === null) {
      out[i] = errorRecord(null, `line ${firstLine + i}: not valid UTF-8 (is the file in another encoding?)`);
      continue;
    }
    if (line.trim() === "") {
      out[i] = errorRecord(null, `line ${firstLine + i}: empty line`);
      continue;
    }
    try {
      const raw = JSON.parse(line);
      inputs[i] = raw;
      raws.push(raw);
      where.push(i);
    } catch (err) {
      out[i] = errorRecord(null, `line ${firstLine + i}: invalid JSON (${errorMessage(err)})`);
    }
  }
  const scored = await scorer.scoreRecords(raws);
  for (let k = 0; k < where.length; k++) {
    const rec = scored[k];
    // A record no reward could look at (no components: not an object, no completion) names its line, as a line that is not JSON does.
    if (rec.components === undefined && rec.reason !== undefined) rec.reason = `line ${firstLine + where[k]}: ${rec.reason}`;
    out[where[k]] = rec;
  }
  return { inputs, records: out };
}
