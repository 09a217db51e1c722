import { pairedStats } from "./paired.ts";
import { type CompareRow, type CompareSummary, STATUSES } from "./shapes.ts";
import type { RunStore } from "./store.ts";

/** Rewards differing by less than this are equal (float noise from a different summation order). */
const EPS = 1e-9;

const JOIN = `FROM records x JOIN records y ON y.run_id = ? AND y.rid = x.rid WHERE x.run_id = ? AND x.rid IS NOT NULL`;
const DIFFERENT = `(x.status <> y.status OR abs(coalesce(x.reward, 0) - coalesce(y.reward, 0)) > ${EPS})`;

/** Compare run b (new) against run a (old) record by record id. */
export function compareRuns(store: RunStore, a: number, b: number): CompareSummary {
  const db = store.db;
  const count = (sql: string, ...p: number[]) => (db.prepare(sql).get(...p) as { n: number }).n;
  const total = (run: number) => count("SELECT count(*) AS n FROM records WHERE run_id = ?", run);
  const noId = (run: number) => count("SELECT count(*) AS n FROM records WHERE run_id = ? AND rid IS NULL", run);
  const paired = count(`SELECT count(*) AS n ${JOIN}`, b, a);
  const changedStatus = count(`SELECT count(*) AS n ${JOIN} AND x.status <> y.status`, b, a);
  const changedReward = count(`SELECT count(*) AS n ${JOIN} AND x.status = 0 AND y.status = 0 AND abs(x.reward - y.reward) > ${EPS}`, b, a);
  const transitions: Record<string, number> = {};
  for (const r of db.prepare(`SELECT x.status AS s, y.status AS t, count(*) AS n ${JOIN} AND x.status <> y.status GROUP BY s, t`).all(b, a) as Array<{ s: number; t: number; n: number }>) {
    transitions[`${STATUSES[r.s]}→${STATUSES[r.t]}`] = r.n;
  }
  const both = db.prepare(`SELECT x.reward AS o, y.reward AS w ${JOIN} AND x.status = 0 AND y.status = 0 ORDER BY x.idx`);
  both.setReturnArrays(true);
  const olds: number[] = [];
  const news: number[] = [];
  for (const row of both.iterate(b, a) as Iterable<[number, number]>) {
    olds.push(row[0]);
    news.push(row[1]);
  }
  const step = Math.max(1, Math.floor(olds.length / 4000));
  const scatter: Array<[number, number]> = [];
  for (let i = 0; i < olds.length && scatter.length < 4000; i += step) scatter.push([olds[i], news[i]]);
  const ta = total(a);
  const tb = total(b);
  const na = noId(a);
  const nb = noId(b);
  return {
    a,
    b,
    paired,
    onlyA: ta - na - paired,
    onlyB: tb - nb - paired,
    withoutId: { a: na, b: nb },
    changedReward,
    changedStatus,
    transitions,
    stats: pairedStats(olds, news),
    scatter,
  };
}

/** A page of paired records, optionally only those whose status or reward differs. */
export function comparedRecords(store: RunStore, a: number, b: number, o: { different?: boolean; offset: number; limit: number }): { total: number; rows: CompareRow[] } {
  const db = store.db;
  const filter = o.different ? ` AND ${DIFFERENT}` : "";
  const total = (db.prepare(`SELECT count(*) AS n ${JOIN}${filter}`).get(b, a) as { n: number }).n;
  const rows = db
    .prepare(`SELECT x.rid AS id, x.idx AS idxA, y.idx AS idxB, x.status AS sa, y.status AS sb, x.reward AS rewardA, y.reward AS rewardB ${JOIN}${filter} ORDER BY x.idx LIMIT ? OFFSET ?`)
    .all(b, a, Math.min(500, Math.max(1, o.limit)), Math.max(0, o.offset)) as Array<Omit<CompareRow, "statusA" | "statusB"> & { sa: number; sb: number }>;
  return { total, rows: rows.map(({ sa, sb, ...r }) => ({ ...r, statusA: STATUSES[sa], statusB: STATUSES[sb] })) };
}
