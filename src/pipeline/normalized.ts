/**
 * Scoring with a `normalize` block. Group advantages need every record of a group, and a group's
 * records may be anywhere in the input, so this runs in two passes:
 *  1. score the input as a stream (scoreStream), spooling the output lines to a temporary file and
 *     keeping only a few numbers per record (group id, reward, lengths ...) in typed arrays;
 *  2. compute the advantages, then copy the spool to the output in input order, appending
 *     `shaped_reward`, `advantage` and `advantage_reason` to each line (no re-parsing).
 */
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { errorMessage } from "../core/errors.ts";
import type { OutputRecord, Sample } from "../core/types.ts";
import type { Normalized } from "../normalize/batch.ts";
import { drained, LineSplitter } from "./jsonl.ts";
import { Normalizer, type RunCollector } from "./normalizer.ts";
import type { Scorer } from "./scorer.ts";
import type { Spec } from "../spec/spec.ts";
import { scoreStream, StreamIoError, type StreamOptions } from "./stream.ts";
import type { Summary } from "./summary.ts";

export interface NormalizedStreamOptions extends Omit<StreamOptions, "onScored"> {
  /** Directory for the temporary spool file (default: the OS temporary directory). */
  tempDir?: string;
}

/** Collect what normalization needs from raw input records and their output records. */
export function createCollector(spec: Spec): RunCollector {
  return new Normalizer(spec).runCollector();
}

/** Add the normalization fields to in-memory output records (reads the spec's calibration files; a Scorer's `normalizeRecords` does not). */
export function normalizeRecords(spec: Spec, raws: readonly unknown[], records: OutputRecord[]): Normalized {
  return new Normalizer(spec).records(raws, records);
}

/** As normalizeRecords, for samples already mapped from their input records (undefined: none). */
export function normalizeSamples(spec: Spec, samples: ReadonlyArray<Sample | undefined>, records: OutputRecord[]): Normalized {
  return new Normalizer(spec).samples(samples, records);
}

/** Score a JSONL stream with a spec that normalizes: one output line per input line, in input order, each with `advantage`. */
export async function scoreStreamNormalized(scorer: Scorer, input: Readable, output: Writable, options: NormalizedStreamOptions = {}): Promise<Summary> {
  const started = performance.now();
  const { collector, add } = scorer.normalizeCollector();
  const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), "rewardsmith-"));
  let fd: number;
  try {
    fd = openSync(join(dir, "scored.jsonl"), "w+");
  } finally {
    // Unlinked at once: the open descriptor keeps the data, and the spool (as large as the output)
    // is never left behind, however the process ends (Ctrl-C, SIGKILL, a crash).
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    const spool = createWriteStream("", { fd, autoClose: false, highWaterMark: 1 << 20 });
    const summary = await scoreStream(scorer, input, spool, {
      ...options,
      onScored(inputs, records) {
        for (let i = 0; i < records.length; i++) add(inputs[i], records[i]);
      },
    });
    await new Promise<void>((resolve, reject) => spool.end((err?: Error | null) => (err ? reject(new StreamIoError(`cannot write the spool file: ${err.message}`)) : resolve())));
    const normalized = collector.finish();
    await appendColumns(fd, output, normalized);
    const wallSeconds = (performance.now() - started) / 1000;
    return { ...summary, wallSeconds, recordsPerSecond: wallSeconds > 0 ? summary.records / wallSeconds : 0, normalize: normalized.summary };
  } finally {
    closeSync(fd);
  }
}

/** Copy the spooled output lines to `output`, appending the computed fields before each closing brace. */
export async function appendColumns(spoolFd: number, output: Writable, n: Normalized): Promise<void> {
  let outputError: Error | undefined;
  const onError = (err: Error) => (outputError ??= err);
  output.on("error", onError);
  const decoder = new StringDecoder("utf8");
  const lines = new LineSplitter();
  let index = 0;
  const line = (text: string): string => {
    let extra = "";
    if (n.shaped) extra += `,"shaped_reward":${jsonNumber(n.shaped[index])}`;
    extra += `,"advantage":${jsonNumber(n.advantages[index])}`;
    const note = n.note(index);
    if (note !== undefined) extra += `,"advantage_reason":${JSON.stringify(note)}`;
    index++;
    return `${text.slice(0, -1)}${extra}}\n`;
  };
  try {
    for await (const chunk of createReadStream("", { fd: spoolFd, start: 0, autoClose: false, highWaterMark: 1 << 20 })) {
      let out = "";
      for (const text of lines.push(decoder.write(chunk as Buffer))) out += line(text);
      if (outputError) break;
      if (!output.write(out)) await drained(output);
    }
  } catch (err) {
    if (outputError) throw new StreamIoError(`cannot write the output: ${outputError.message}`);
    throw new StreamIoError(`cannot read the spool file: ${errorMessage(err)}`);
  } finally {
    output.off("error", onError);
  }
  if (outputError) throw new StreamIoError(`cannot write the output: ${outputError.message}`);
}

/** JSON has no Infinity: a shaped reward that overflowed is written as null (its advantage_reason says why). */
function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : "null";
}
