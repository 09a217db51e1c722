import { open } from "node:fs/promises";
import type { SQLInputValue } from "node:sqlite";
import { completionText, promptText } from "../core/text.ts";
import { sampleMapper } from "../pipeline/record.ts";
import { type GroupRow, type Histogram, type Page, type RecordFilter, type RecordPage, type RecordRow, type RunInfo, type RunStats, type ShownRecord, STATUSES } from "./shapes.ts";
import type { RunStore } from "./store.ts";

export const SCATTER_POINTS = 4000;
const BINS = 20;
const MAX_LIMIT = 500;

/** Queries over one recorded run: statistics, filtered pages of records, one record read from its JSONL. */
export class RunQuery {
  readonly run: RunInfo;
  private readonly store: RunStore;
  private textHits = new Map<string, Uint32Array>();
  private stats_: RunStats | undefined;

  constructor(store: RunStore, run: RunInfo) {
    this.store = store;
    this.run = run;
  }

  /** The run page's statistics; computed once (when the run is recorded) and kept in the store. */
  stats(): RunStats {
    if (this.stats_) return this.stats_;
    const db = this.store.db;
    const kept = db.prepare("SELECT stats FROM runs WHERE id = ?").get(this.run.id) as { stats: string | null } | undefined;
    if (kept?.stats) this.stats_ = { run: this.run, ...(JSON.parse(kept.stats) as Omit<RunStats, "run">) };
    else {
      this.stats_ = this.computeStats();
      const { run: _run, ...rest } = this.stats_;
      db.prepare("UPDATE runs SET stats = ? WHERE id = ?").run(JSON.stringify(rest), this.run.id);
    }
    return this.stats_;
  }

  private computeStats(): RunStats {
    const db = this.store.db;
    const id = this.run.id;
    const status = countByStatus(db.prepare("SELECT status, count(*) AS n FROM records WHERE run_id = ? GROUP BY status").all(id));
    const components = this.run.components.map((name) => {
      const cs = countByStatus(db.prepare("SELECT status, count(*) AS n FROM components WHERE run_id = ? AND name = ? GROUP BY status").all(id, name));
      const m = db.prepare("SELECT avg(reward) AS mean FROM components WHERE run_id = ? AND name = ? AND reward IS NOT NULL").get(id, name) as { mean: number | null };
      return { name, status: cs, mean: m.mean, histogram: this.histogram("components", "AND name = ?", [name]) };
    });
    const ok = status.ok;
    const step = Math.max(1, Math.floor(ok / SCATTER_POINTS));
    const lengthScatter = (
      db.prepare("SELECT clen, reward FROM (SELECT clen, reward, row_number() OVER (ORDER BY idx) AS k FROM records WHERE run_id = ? AND reward IS NOT NULL AND clen IS NOT NULL) WHERE k % ? = 0 LIMIT ?").all(id, step, SCATTER_POINTS) as Array<{ clen: number; reward: number }>
    ).map((r) => [r.clen, r.reward] as [number, number]);
    const groupSql = `SELECT grp AS "group", count(*) AS size, count(reward) AS ok, avg(reward) AS mean,
        sqrt(max(0, avg(reward * reward) - avg(reward) * avg(reward))) AS std, avg(advantage) AS meanAdvantage
      FROM records WHERE run_id = ? AND grp IS NOT NULL GROUP BY grp`;
    const g = db.prepare(`SELECT count(*) AS count, sum(ok > 1 AND std < 1e-12) AS zeroVariance, sum(size = 1) AS singletons FROM (${groupSql})`).get(id) as { count: number; zeroVariance: number | null; singletons: number | null };
    const withAdvantage = (db.prepare("SELECT count(*) AS n FROM records WHERE run_id = ? AND advantage IS NOT NULL").get(id) as { n: number }).n;
    return {
      run: this.run,
      status,
      histogram: this.histogram("records", "", []),
      components,
      lengthScatter,
      groups: {
        count: g.count,
        zeroVariance: g.zeroVariance ?? 0,
        singletons: g.singletons ?? 0,
        withAdvantage,
        largestStd: db.prepare(`${groupSql} ORDER BY std DESC LIMIT 20`).all(id) as unknown as GroupRow[],
        zeroVarianceSample: db.prepare(`SELECT * FROM (${groupSql}) WHERE ok > 1 AND std < 1e-12 LIMIT 20`).all(id) as unknown as GroupRow[],
      },
      usage: this.run.summary?.rewards ?? {},
    };
  }

  private histogram(table: "records" | "components", where: string, params: SQLInputValue[]): Histogram | null {
    const db = this.store.db;
    const r = db.prepare(`SELECT min(reward) AS lo, max(reward) AS hi FROM ${table} WHERE run_id = ? AND reward IS NOT NULL ${where}`).get(this.run.id, ...params) as { lo: number | null; hi: number | null };
    if (r.lo === null || r.hi === null) return null;
    const lo = r.lo;
    const width = r.hi > lo ? (r.hi - lo) / BINS : 1;
    const bins = r.hi > lo ? BINS : 1;
    const counts = new Array<number>(bins).fill(0);
    const rows = db.prepare(`SELECT min(CAST((reward - ?) / ? AS INTEGER), ?) AS b, count(*) AS n FROM ${table} WHERE run_id = ? AND reward IS NOT NULL ${where} GROUP BY b`).all(lo, width, bins - 1, this.run.id, ...params) as Array<{ b: number; n: number }>;
    for (const row of rows) counts[row.b] = row.n;
    const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
    return { edges, counts };
  }

  /** One page of records matching the filter, in input order. */
  async records(filter: RecordFilter, page: Page): Promise<RecordPage> {
    const db = this.store.db;
    const limit = Math.min(MAX_LIMIT, Math.max(1, page.limit));
    const offset = Math.max(0, page.offset);
    const keys = Object.keys(filter).filter((k) => filter[k as keyof RecordFilter] !== undefined);
    if (keys.length === 1 && keys[0] === "text" && filter.text !== "") {
      // Text alone: the hits are the answer, in order; only the page's rows come from SQLite.
      const hits = await this.textSearch(filter.text!);
      const stmt = db.prepare("SELECT idx, rid, status, reward, grp, clen, advantage FROM records WHERE run_id = ? AND idx = ?");
      return { total: hits.length, offset, rows: Array.from(hits.subarray(offset, offset + limit), (idx) => toRecordRow(stmt.get(this.run.id, idx))) };
    }
    const { where, params } = await this.whereClause(filter);
    const total = (db.prepare(`SELECT count(*) AS n FROM records r WHERE ${where}`).get(...params) as { n: number }).n;
    const rows = db.prepare(`SELECT r.idx, r.rid, r.status, r.reward, r.grp, r.clen, r.advantage FROM records r WHERE ${where} ORDER BY r.idx LIMIT ? OFFSET ?`).all(...params, limit, offset);
    return { total, offset, rows: rows.map(toRecordRow) };
  }

  async whereClause(f: RecordFilter): Promise<{ where: string; params: SQLInputValue[] }> {
    const parts = ["r.run_id = ?"];
    const params: SQLInputValue[] = [this.run.id];
    const status = f.status === undefined ? undefined : STATUSES.indexOf(f.status);
    if (f.component !== undefined) {
      const c = ["c.run_id = r.run_id", "c.idx = r.idx", "c.name = ?"];
      params.push(f.component);
      if (status !== undefined) (c.push("c.status = ?"), params.push(status));
      if (f.min !== undefined) (c.push("c.reward >= ?"), params.push(f.min));
      if (f.max !== undefined) (c.push("c.reward <= ?"), params.push(f.max));
      parts.push(`EXISTS (SELECT 1 FROM components c WHERE ${c.join(" AND ")})`);
    } else {
      if (status !== undefined) (parts.push("r.status = ?"), params.push(status));
      if (f.min !== undefined) (parts.push("r.reward >= ?"), params.push(f.min));
      if (f.max !== undefined) (parts.push("r.reward <= ?"), params.push(f.max));
    }
    if (f.group !== undefined) (parts.push("r.grp = ?"), params.push(f.group));
    if (f.text !== undefined && f.text !== "") {
      const hits = await this.textSearch(f.text);
      // The hits are few or many; a JSON array handed to SQLite keeps it one statement either way.
      parts.push("r.idx IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(Array.from(hits)));
    }
    return { where: parts.join(" AND "), params };
  }

  /** Line indexes whose input or output line contains the text in one of its `searchForms`. */
  async textSearch(text: string): Promise<Uint32Array> {
    const cached = this.textHits.get(text);
    if (cached) return cached;
    const forms = searchForms(text);
    const found = new Set<number>();
    for (const path of [this.run.outputPath, this.run.inputPath]) {
      if (path === null) continue;
      for (const line of await linesContaining(path, forms)) found.add(line);
    }
    const hits = Uint32Array.from(found).sort();
    if (this.textHits.size > 16) this.textHits.clear();
    this.textHits.set(text, hits);
    return hits;
  }

  /** A record as written: its output line, its input line, the prompt and completion it was scored on. */
  async record(idx: number): Promise<ShownRecord | undefined> {
    const row = this.store.db.prepare("SELECT idx, rid, status, reward, grp, clen, advantage, out_off, out_len, in_off, in_len FROM records WHERE run_id = ? AND idx = ?").get(this.run.id, idx) as (RawRow & { out_off: number; out_len: number; in_off: number | null; in_len: number | null }) | undefined;
    if (!row) return undefined;
    const output = parseLoose(await readSlice(this.run.outputPath, row.out_off, row.out_len));
    const input = this.run.inputPath !== null && row.in_off !== null ? parseLoose(await readSlice(this.run.inputPath, row.in_off, row.in_len!)) : undefined;
    let prompt: unknown;
    let completion: unknown;
    if (input !== undefined) {
      const sample = sampleMapper(this.run.fields)(input);
      if (typeof sample !== "string") ((prompt = sample.prompt), (completion = sample.completion));
    }
    return {
      row: toRecordRow(row),
      output,
      input,
      prompt,
      completion,
      completionText: completion === undefined ? null : completionText(completion as never),
      promptText: prompt === undefined ? null : promptText(prompt as never),
    };
  }
}

interface RawRow {
  idx: number;
  rid: string | null;
  status: number;
  reward: number | null;
  grp: string | null;
  clen: number | null;
  advantage: number | null;
}

function toRecordRow(r: unknown): RecordRow {
  const x = r as RawRow;
  return { idx: x.idx, id: x.rid, status: STATUSES[x.status], reward: x.reward, group: x.grp, completionLength: x.clen, advantage: x.advantage };
}

function countByStatus(rows: unknown[]): Record<string, number> {
  const out: Record<string, number> = { ok: 0, unscorable: 0, error: 0 };
  for (const r of rows as Array<{ status: number; n: number }>) out[STATUSES[r.status]] = r.n;
  return out;
}

/** The forms of a search text that match: as typed, lower case, UPPER CASE, Capitalized (as JSON writes them). */
export function searchForms(text: string): Buffer[] {
  const json = (t: string) => JSON.stringify(t).slice(1, -1);
  const forms = new Set([text, text.toLowerCase(), text.toUpperCase(), text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()]);
  return [...forms].map((t) => Buffer.from(json(t), "utf8"));
}

/**
 * Line indexes of the lines holding any of `needles`. The bytes are searched as they are (no
 * decoding: a few hundred MB take well under a second) in reads that end at a line break, and
 * lines are counted by their newlines on the way.
 */
async function linesContaining(path: string, needles: Buffer[]): Promise<number[]> {
  const handle = await open(path, "r");
  const out: number[] = [];
  try {
    let buf = Buffer.allocUnsafe(8 << 20);
    let kept = 0; // bytes of an unfinished line carried to the start of buf
    let line = 0;
    let pos = 0;
    for (;;) {
      if (kept === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2); // one line longer than the buffer
        buf.copy(bigger, 0, 0, kept);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, kept, buf.length - kept, pos);
      pos += bytesRead;
      const filled = kept + bytesRead;
      const end = bytesRead === 0 ? filled : buf.lastIndexOf(10, filled - 1) + 1; // the chunk: whole lines
      if (end === 0 && bytesRead > 0) {
        kept = filled;
        continue;
      }
      const chunk = buf.subarray(0, end);
      const hits: number[] = [];
      for (const n of needles) for (let at = chunk.indexOf(n); at >= 0; at = chunk.indexOf(n, at + 1)) hits.push(at);
      hits.sort((x, y) => x - y);
      let from = 0;
      let last = -1;
      for (const at of hits) {
        for (let nl = chunk.indexOf(10, from); nl >= 0 && nl < at; nl = chunk.indexOf(10, from)) {
          line++;
          from = nl + 1;
        }
        if (line !== last) out.push((last = line));
      }
      for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, nl + 1)) line++;
      if (bytesRead === 0) break;
      kept = filled - end;
      buf.copy(buf, 0, end, filled);
    }
  } finally {
    await handle.close();
  }
  return out;
}

async function readSlice(path: string, offset: number, length: number): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, offset);
    return buf.toString("utf8").replace(/^\ufeff/, "").replace(/\r$/, "");
  } finally {
    await handle.close();
  }
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
