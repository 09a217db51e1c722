import type { Sample } from "../core/types.ts";
import type { ToSample } from "../pipeline/record.ts";

/** A request the server refuses; `statusCode` is 400 (malformed) or 413 (too large). */
export class RequestError extends Error {
  override name = "RequestError";
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

const MAX_LISTED = 10;

/** Validate a `POST /v1/score` body into samples; a bad record is named by its index. */
export function scoreRequestSamples(body: unknown, toSample: ToSample, maxRecords: number): Sample[] {
  const obj = expectObject(body, '{"records": [...]}');
  for (const key of Object.keys(obj)) {
    if (key !== "records") throw new RequestError(400, `unknown field "${key}" (the body is {"records": [...]})`);
  }
  const records = expectList(obj.records, "records", "a list of input records", maxRecords);
  const samples = new Array<Sample>(records.length);
  const problems: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const s = toSample(records[i]);
    if (typeof s === "string") problems.push(`records[${i}]: ${s}`);
    else samples[i] = s;
  }
  if (problems.length > 0) throw new RequestError(400, listProblems(problems));
  return samples;
}

/** A `POST /get_reward` body (OpenRLHF's remote reward protocol). */
export interface GetRewardRequest {
  query: string[];
  prompts?: string[];
  labels?: unknown[];
  metas?: Array<Record<string, unknown> | null>;
}

/**
 * Validate an OpenRLHF body. `query` is required; `prompts`, `labels` and `metas` (newer OpenRLHF)
 * are optional and must be as long as `query`. Other fields are ignored, as OpenRLHF may add some.
 */
export function getRewardRequest(body: unknown, maxRecords: number): GetRewardRequest {
  const obj = expectObject(body, '{"query": [...], "prompts": [...], "labels": [...]}');
  const query = expectList(obj.query, "query", "a list of strings (prompt + response)", maxRecords);
  const problems: string[] = [];
  checkStrings(query, "query", problems);
  const out: GetRewardRequest = { query: query as string[] };
  const sameLength = (name: string, value: unknown[]) => {
    if (value.length !== query.length) problems.push(`${name}: expected ${query.length} entries (one per query), found ${value.length}`);
  };
  if (obj.prompts !== undefined && obj.prompts !== null) {
    const prompts = expectList(obj.prompts, "prompts", "a list of strings", maxRecords);
    sameLength("prompts", prompts);
    checkStrings(prompts, "prompts", problems);
    out.prompts = prompts as string[];
  }
  if (obj.labels !== undefined && obj.labels !== null) {
    const labels = expectList(obj.labels, "labels", "a list of references", maxRecords);
    sameLength("labels", labels);
    out.labels = labels;
  }
  if (obj.metas !== undefined && obj.metas !== null) {
    const metas = expectList(obj.metas, "metas", "a list of objects", maxRecords);
    sameLength("metas", metas);
    metas.forEach((m, i) => {
      if (m !== null && (typeof m !== "object" || Array.isArray(m))) problems.push(`metas[${i}]: expected an object or null, found ${kind(m)}`);
    });
    out.metas = metas as GetRewardRequest["metas"];
  }
  if (problems.length > 0) throw new RequestError(400, listProblems(problems));
  return out;
}

function expectObject(body: unknown, shape: string): Record<string, unknown> {
  if (body === null || body === undefined || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestError(400, `expected a JSON object ${shape}, found ${body === undefined ? "an empty body" : kind(body)}`);
  }
  return body as Record<string, unknown>;
}

function expectList(value: unknown, field: string, what: string, maxRecords: number): unknown[] {
  if (value === undefined) throw new RequestError(400, `${field}: missing (expected ${what})`);
  if (!Array.isArray(value)) throw new RequestError(400, `${field}: expected ${what}, found ${kind(value)}`);
  if (value.length > maxRecords) {
    throw new RequestError(413, `${field}: ${value.length} entries is more than this server accepts per request (${maxRecords}, --max-records); split the batch`);
  }
  return value;
}

function checkStrings(values: unknown[], field: string, problems: string[]): void {
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== "string") problems.push(`${field}[${i}]: expected a string, found ${kind(values[i])}`);
  }
}

function listProblems(problems: string[]): string {
  const shown = problems.slice(0, MAX_LISTED).join("; ");
  return problems.length > MAX_LISTED ? `${shown}; and ${problems.length - MAX_LISTED} more` : shown;
}

export function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : typeof v;
}
