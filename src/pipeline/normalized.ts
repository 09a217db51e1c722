/**
 * Scoring with a `normalize` block. Group advantages need every record of a group, and a group's
 * records may be anywhere in the input, so this runs in two passes:
 *  1. score the input as a stream (scoreStream), spooling the output lines to a temporary file and
 *     keeping only a few numbers per record (group id, reward, lengths ...) in typed arrays;
 *  2. compute the advantages, then copy the spool to the output in input order, appending
 *     `shaped_reward`, `advantage` and `advantage_reason` to each line (no re-parsing).
 */
import { once } from "node:events";
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { errorMessage } from "../core/errors.ts";
import type { OutputRecord, Sample } from "../core/types.ts";
import { type ComponentRule, NormalizeCollector, type Normalized } from "../normalize/batch.ts";
import { sampleMapper } from "./record.ts";
import type { Scorer } from "./scorer.ts";
import type { Spec } from "../spec/spec.ts";
import { scoreStream, StreamIoError, type StreamOptions, type Summary } from "./stream.ts";

export interface NormalizedStreamOptions extends Omit<StreamOptions, "onScored"> {
  /** Directory for the temporary spool file (default: the OS temporary directory). */
  tempDir?: string;
}

/** Collect what normalization needs from raw input records and their output records. */
export function createCollector(spec: Spec): { collector: NormalizeCollector; add(raw: unknown, record: OutputRecord): void } {
  const collector = newCollector(spec);
  const toSample = rawToSample(spec);
  return { collector, add: (raw, record) => collector.add(toSample(raw), record) };
}

/** Add the normalization fields to in-memory output records (the `score()` path). */
export function normalizeRecords(spec: Spec, raws: readonly unknown[], records: OutputRecord[]): Normalized {
  return normalizeSamples(spec, raws.map(rawToSample(spec)), records);
}

/** As normalizeRecords, for samples already mapped from their input records (undefined: none). */
export function normalizeSamples(spec: Spec, samples: ReadonlyArray<Sample | undefined>, records: OutputRecord[]): Normalized {
  const collector = newCollector(spec);
  for (let i = 0; i < records.length; i++) collector.add(samples[i], records[i]);
  const result = collector.finish();
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    if (result.shaped) rec.shaped_reward = numberOrNull(result.shaped[i]);
    rec.advantage = numberOrNull(result.advantages[i]);
    const note = result.note(i);
    if (note !== undefined) rec.advantage_reason = note;
  }
  return result;
}

function newCollector(spec: Spec): NormalizeCollector {
  if (!spec.normalize) throw new TypeError("the spec has no normalize block");
  const rules: ComponentRule[] = spec.rewards.map((r) => ({ name: r.name, weight: r.weight, onError: r.onError, onUnscorable: r.onUnscorable }));
  return new NormalizeCollector(spec.normalize, rules, spec.dir);
}

function rawToSample(spec: Spec): (raw: unknown) => Sample | undefined {
  const toSample = sampleMapper(spec.fields);
  return (raw) => {
    const s = raw === undefined ? undefined : toSample(raw);
    return typeof s === "string" ? undefined : (s as Sample | undefined);
  };
}

/** Score a JSONL stream with a spec that normalizes: one output line per input line, in input order, each with `advantage`. */
export async function scoreStreamNormalized(scorer: Scorer, input: Readable, output: Writable, options: NormalizedStreamOptions = {}): Promise<Summary> {
  const started = performance.now();
  const { collector, add } = createCollector(scorer.spec);
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
async function appendColumns(spoolFd: number, output: Writable, n: Normalized): Promise<void> {
  let outputError: Error | undefined;
  const onError = (err: Error) => (outputError ??= err);
  output.on("error", onError);
  const decoder = new StringDecoder("utf8");
  let pending = "";
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
      const text = pending + decoder.write(chunk as Buffer);
      let out = "";
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        out += line(text.slice(start, nl));
        start = nl + 1;
      }
      pending = text.slice(start);
      if (outputError) break;
      if (!output.write(out)) await once(output, "drain");
    }
  } catch (err) {
    if (outputError) throw new StreamIoError(`cannot write the output: ${outputError.message}`);
    throw new StreamIoError(`cannot read the spool file: ${errorMessage(err)}`);
  } finally {
    output.off("error", onError);
  }
  if (outputError) throw new StreamIoError(`cannot write the output: ${outputError.message}`);
}

function numberOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** JSON has no Infinity: a shaped reward that overflowed is written as null (its advantage_reason says why). */
function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : "null";
}
