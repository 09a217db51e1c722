import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { completionText } from "../core/text.ts";
import type { OutputRecord } from "../core/types.ts";
import { sampleMapper } from "../pipeline/record.ts";
import type { Summary } from "../pipeline/summary.ts";
import { eachLine } from "./lines.ts";
import { RunQuery } from "./query.ts";
import type { RunInfo } from "./shapes.ts";
import type { RunStore } from "./store.ts";

export interface RecordRunOptions {
  /** The results JSONL (one output record per line). */
  outputPath: string;
  /** The input JSONL the results were scored from: gives prompts, completions, groups and lengths. */
  inputPath?: string;
  specPath?: string;
  /** Spec field renames (`fields:`), to find the completion and group in the input records. */
  fields?: Record<string, string>;
  summary?: Summary;
  /** A display name; default: the output file's name. */
  name?: string;
  source?: string;
}

const STATUS_CODE: Record<string, number> = { ok: 0, unscorable: 1, error: 2 };

/**
 * Index a run into the store: one pass over the input (group, completion length, offsets) and
 * one over the output (status, reward, components, offsets). Nothing but offsets and these
 * columns is copied; the JSONL files remain the record of truth and are read when a record is shown.
 */
export async function recordRun(store: RunStore, o: RecordRunOptions): Promise<RunInfo> {
  const fields = o.fields ?? {};
  const input = o.inputPath ? await indexInput(o.inputPath, fields) : undefined;
  const db = store.db;
  const specText = o.specPath ? readFileSync(o.specPath, "utf8") : null;
  db.exec("BEGIN");
  try {
    const runId = Number(
      db
        .prepare(
          `INSERT INTO runs (name, created_at, source, spec_path, spec_sha256, spec_text, input_path, input_sha256, output_path, output_sha256, records, summary, components, fields, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, ?, '[]', ?, ?)`,
        )
        .run(
          o.name ?? basename(o.outputPath),
          new Date().toISOString(),
          o.source ?? "score",
          o.specPath ? resolve(o.specPath) : null,
          specText === null ? null : createHash("sha256").update(specText).digest("hex"),
          specText,
          o.inputPath ? resolve(o.inputPath) : null,
          input?.sha256 ?? null,
          resolve(o.outputPath),
          o.summary ? JSON.stringify(o.summary) : null,
          JSON.stringify(fields),
          rewardsmithVersion(),
        ).lastInsertRowid,
    );
    const insertRecord = db.prepare("INSERT INTO records (run_id, idx, out_off, out_len, in_off, in_len, rid, status, reward, grp, clen, advantage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const insertComponent = db.prepare("INSERT INTO components (run_id, name, idx, status, reward) VALUES (?, ?, ?, ?, ?)");
    const components = new Set<string>();
    const out = await eachLine(o.outputPath, (line, i) => {
      let rec: OutputRecord;
      try {
        rec = JSON.parse(i === 0 && line.text.charCodeAt(0) === 0xfeff ? line.text.slice(1) : line.text) as OutputRecord;
      } catch {
        rec = { id: null, reward: null, status: "error", reason: "the results line is not JSON" };
      }
      const status = STATUS_CODE[rec?.status] ?? 2;
      const reward = status === 0 && typeof rec.reward === "number" ? rec.reward : null;
      const id = rec?.id === null || rec?.id === undefined ? null : String(rec.id);
      const advantage = typeof rec?.advantage === "number" ? rec.advantage : null;
      insertRecord.run(runId, i, line.offset, line.length, input?.offset[i] ?? null, input?.length[i] ?? null, id, status, reward, input?.group[i] ?? null, input?.clen[i] ?? null, advantage);
      if (rec?.components && typeof rec.components === "object") {
        for (const [name, c] of Object.entries(rec.components)) {
          components.add(name);
          const cs = STATUS_CODE[c?.status] ?? 2;
          insertComponent.run(runId, name, i, cs, cs === 0 && typeof c.reward === "number" ? c.reward : null);
        }
      }
    });
    if (input && input.lines !== out.lines) {
      throw new Error(`the results have ${out.lines} lines but the input has ${input.lines}: they are not from the same run`);
    }
    db.prepare("UPDATE runs SET output_sha256 = ?, records = ?, components = ? WHERE id = ?").run(out.sha256, out.lines, JSON.stringify([...components].sort()), runId);
    db.exec("COMMIT");
    const run = store.run(runId)!;
    // The run page's statistics take seconds over a million records: paid once, here.
    new RunQuery(store, run).stats();
    return run;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}

interface InputIndex {
  offset: Float64Array;
  length: Float64Array;
  group: Array<string | null>;
  clen: Array<number | null>;
  lines: number;
  sha256: string;
}

async function indexInput(path: string, fields: Record<string, string>): Promise<InputIndex> {
  const toSample = sampleMapper(fields);
  let offset = new Float64Array(1 << 16);
  let length = new Float64Array(1 << 16);
  const group: Array<string | null> = [];
  const clen: Array<number | null> = [];
  const r = await eachLine(path, (line, i) => {
    if (i >= offset.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      offset = grow(offset);
      length = grow(length);
    }
    offset[i] = line.offset;
    length[i] = line.length;
    let g: string | null = null;
    let n: number | null = null;
    try {
      const sample = toSample(JSON.parse(i === 0 && line.text.charCodeAt(0) === 0xfeff ? line.text.slice(1) : line.text));
      if (typeof sample !== "string") {
        if (sample.group !== undefined && sample.group !== null) g = String(sample.group);
        n = completionText(sample.completion).length;
      }
    } catch {
      // a line that is not JSON: its output record is an error record; nothing to index
    }
    group.push(g);
    clen.push(n);
  });
  return { offset, length, group, clen, lines: r.lines, sha256: r.sha256 };
}

let version: string | undefined;
function rewardsmithVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return version;
}
