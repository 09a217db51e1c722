import { comparedRecords, compareRuns, listedRun, recordRun, RunQuery, RunStore } from "../store/index.ts";
import type { ComponentResult } from "../core/types.ts";
import { uiAssets } from "./assets.ts";
import { pageHtml } from "./html.ts";
import type { StaticData, StaticRow } from "./static-data.ts";

export interface ReportOptions {
  results: string;
  /** The input the results were scored from (prompts and completions in the sampled records). */
  input?: string;
  /** Spec field renames used when scoring, to find completion and group in the input. */
  fields?: Record<string, string>;
  /** A second results file: the report compares it (new) against `results` (old), by record id. */
  compare?: string;
  compareInput?: string;
  /** Records shown in full (evenly spaced over the file; default 200). */
  sample?: number;
}

/**
 * A self-contained HTML report: the run's charts and statistics over all records, a sample of
 * records to open, and with `compare` the run-vs-run view. Script, styles and data are inline,
 * so it opens from disk with no network.
 */
export async function buildReport(o: ReportOptions): Promise<string> {
  const store = new RunStore(":memory:");
  try {
    const run = await recordRun(store, { outputPath: o.results, inputPath: o.input, fields: o.fields, source: "report" });
    const runs = [run];
    const data: StaticData = { runs: [], stats: {}, records: {} };
    const sample = o.sample ?? 200;
    await addRun(data, new RunQuery(store, run), sample);
    if (o.compare) {
      const other = await recordRun(store, { outputPath: o.compare, inputPath: o.compareInput, fields: o.fields, source: "report" });
      runs.push(other);
      await addRun(data, new RunQuery(store, other), sample);
      data.compare = {
        a: run.id,
        b: other.id,
        summary: compareRuns(store, run.id, other.id),
        rows: comparedRecords(store, run.id, other.id, { offset: 0, limit: 500 }).rows,
        different: comparedRecords(store, run.id, other.id, { different: true, offset: 0, limit: 500 }).rows,
      };
      // The compare table links to both runs' records: make sure those are in the sample.
      for (const r of data.compare.different.slice(0, 100)) {
        await addRecord(data, new RunQuery(store, run), r.idxA);
        await addRecord(data, new RunQuery(store, other), r.idxB);
      }
    }
    data.runs = runs.map(listedRun);
    const { js, css } = await uiAssets();
    return pageHtml({ title: `rewardsmith report · ${run.name}${o.compare ? ` vs ${runs[1].name}` : ""}`, js, css, data });
  } finally {
    store.close();
  }
}

async function addRun(data: StaticData, q: RunQuery, sample: number): Promise<void> {
  data.stats[q.run.id] = q.stats();
  data.records[q.run.id] = { total: q.run.records, rows: [], full: {} };
  const step = Math.max(1, Math.ceil(q.run.records / sample));
  for (let idx = 0; idx < q.run.records; idx += step) await addRecord(data, q, idx);
}

async function addRecord(data: StaticData, q: RunQuery, idx: number): Promise<void> {
  const set = data.records[q.run.id];
  if (set.full[idx] !== undefined) return;
  const rec = await q.record(idx);
  if (!rec) return;
  set.full[idx] = rec;
  const out = (rec.output ?? {}) as { components?: Record<string, ComponentResult> };
  const components: StaticRow["components"] = {};
  for (const [name, c] of Object.entries(out.components ?? {})) components[name] = { status: c.status, reward: c.reward };
  const row: StaticRow = { ...rec.row, components, search: (JSON.stringify(rec.input ?? "") + JSON.stringify(rec.output)).toLowerCase() };
  set.rows.push(row);
  set.rows.sort((x, y) => x.idx - y.idx);
}
