/** Where the UI gets its data: the view server's JSON API, or (static reports) the data inlined in the page. */

import { parseFilter } from "../../store/filters.ts";
import type { RecordFilter } from "../../store/shapes.ts";
import type { StaticData, StaticRow } from "../static-data.ts";

const node = document.getElementById("rewardsmith-data");
export const embedded: StaticData | undefined = node ? (JSON.parse(node.textContent ?? "null") as StaticData) : undefined;

export async function get<T = any>(path: string): Promise<T> {
  if (embedded) return fromEmbedded(embedded, path) as T;
  const res = await fetch(path, { credentials: "same-origin" });
  const body = (await res.json()) as { error?: string };
  if (!res.ok) throw new Error(body?.error ?? `${res.status} ${res.statusText}`);
  return body as T;
}

function fromEmbedded(d: StaticData, path: string): unknown {
  const [route, qs] = path.split("?");
  const q = new URLSearchParams(qs ?? "");
  const parts = route.split("/").filter(Boolean); // api, runs, id, ...
  if (parts[1] === "runs" && parts.length === 2) return { runs: d.runs };
  if (parts[1] === "runs" && parts.length === 3) return need(d.stats[parts[2]], "this report has no such run");
  if (parts[1] === "runs" && parts[3] === "records" && parts.length === 4) {
    const set = need(d.records[parts[2]], "this report has no such run");
    const parsed = parseFilter(Object.fromEntries(q));
    if (typeof parsed === "string") throw new Error(parsed);
    const { offset, limit } = parsed.page;
    const rows = set.rows.filter((r) => matches(r, parsed.filter));
    return { total: rows.length, offset, rows: rows.slice(offset, offset + limit), sampled: set.rows.length, of: set.total };
  }
  if (parts[1] === "runs" && parts[3] === "records") return need(d.records[parts[2]]?.full[parts[4]], "this record is not in the report's sample");
  if (parts[1] === "compare" && d.compare) {
    if (parts.length === 4) return d.compare.summary;
    const rows = q.get("different") === "1" ? d.compare.different : d.compare.rows;
    const offset = Number(q.get("offset") ?? 0);
    const limit = Number(q.get("limit") ?? 50);
    return { total: rows.length, rows: rows.slice(offset, offset + limit) };
  }
  throw new Error(`not in this report: ${path}`);
}

function need<T>(v: T | undefined, message: string): T {
  if (v === undefined) throw new Error(message);
  return v;
}

/** The filter over the report's sample, as RunQuery.whereClause applies it over a whole run. */
function matches(r: StaticRow, { status, min, max, component, text, group }: RecordFilter): boolean {
  const target = component !== undefined ? r.components[component] : r;
  if (!target) return false;
  if (status && target.status !== status) return false;
  if (min !== undefined && !(target.reward !== null && target.reward >= min)) return false;
  if (max !== undefined && !(target.reward !== null && target.reward <= max)) return false;
  if (group !== undefined && r.group !== group) return false;
  if (text !== undefined && !r.search.includes(text.toLowerCase())) return false;
  return true;
}
