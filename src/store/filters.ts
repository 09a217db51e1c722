import type { Page, RecordFilter } from "./shapes.ts";

/*
 * The record table's filter as a query string. No Node imports: the view server parses the API's
 * query with it and the static report's page (src/view/ui) parses its own the same way.
 */

/** The table's query string: status, min, max, component, q (text), group, offset, limit. */
export function parseFilter(q: Record<string, string | undefined>): { filter: RecordFilter; page: Page } | string {
  const filter: RecordFilter = {};
  const blank = (v: string | undefined) => v === undefined || v === "";
  if (!blank(q.status)) {
    if (q.status !== "ok" && q.status !== "unscorable" && q.status !== "error") return `status must be ok, unscorable or error, found ${JSON.stringify(q.status)}`;
    filter.status = q.status;
  }
  for (const key of ["min", "max"] as const) {
    if (blank(q[key])) continue;
    const n = Number(q[key]);
    if (!Number.isFinite(n)) return `${key} must be a number, found ${JSON.stringify(q[key])}`;
    filter[key] = n;
  }
  if (!blank(q.component)) filter.component = q.component;
  if (!blank(q.q)) filter.text = q.q;
  if (!blank(q.group)) filter.group = q.group;
  const offset = blank(q.offset) ? 0 : Number(q.offset);
  const limit = blank(q.limit) ? 50 : Number(q.limit);
  if (!Number.isInteger(offset) || offset < 0) return `offset must be a whole number, found ${JSON.stringify(q.offset)}`;
  if (!Number.isInteger(limit) || limit < 1) return `limit must be a positive whole number, found ${JSON.stringify(q.limit)}`;
  return { filter, page: { offset, limit } };
}
