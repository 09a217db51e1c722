import type { Sample, Text } from "../core/types.ts";
import type { FieldName } from "../spec/schema.ts";

export type ToSample = (raw: unknown) => Sample | string;

/**
 * Build the function that turns a raw input record into a Sample, applying the spec's field
 * renames. Keys that are not the source of a contract field are kept in `meta`. Returns a reason
 * string instead of a Sample when the record cannot be used.
 */
export function sampleMapper(fields: Partial<Record<FieldName, string>>): ToSample {
  const source = (f: FieldName) => fields[f] ?? f;
  const paths = {
    id: source("id").split("."),
    prompt: source("prompt").split("."),
    completion: source("completion").split("."),
    reference: source("reference").split("."),
    group: source("group").split("."),
    steps: source("steps").split("."),
  };
  const consumed = new Set(Object.values(paths).map((p) => p[0]));
  const completionName = source("completion");

  return (raw) => {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      return `a record must be a JSON object, found ${raw === null ? "null" : Array.isArray(raw) ? "a list" : typeof raw}`;
    }
    const rec = raw as Record<string, unknown>;
    const completion = get(rec, paths.completion);
    if (completion === undefined || completion === null) return `missing the completion (field "${completionName}")`;
    if (!isText(completion)) return `the completion (field "${completionName}") must be a string or a list of chat messages, found ${describe(completion)}`;
    const prompt = get(rec, paths.prompt);
    if (prompt !== undefined && prompt !== null && !isText(prompt)) {
      return `the prompt (field "${source("prompt")}") must be a string or a list of chat messages, found ${describe(prompt)}`;
    }
    const id = get(rec, paths.id);
    const group = get(rec, paths.group);
    const steps = get(rec, paths.steps);
    if (steps !== undefined && steps !== null && !Array.isArray(steps)) return `"${source("steps")}" must be a list of steps, found ${describe(steps)}`;
    const sample: Sample = { completion: completion as Text };
    if (typeof id === "string" || typeof id === "number") sample.id = id;
    if (prompt !== undefined && prompt !== null) sample.prompt = prompt as Text;
    const reference = get(rec, paths.reference);
    if (reference !== undefined) sample.reference = reference;
    if (typeof group === "string" || typeof group === "number") sample.group = group;
    if (Array.isArray(steps)) sample.steps = steps;
    let meta: Record<string, unknown> | undefined;
    for (const key in rec) {
      if (consumed.has(key)) continue;
      (meta ??= {})[key] = rec[key];
    }
    if (meta) sample.meta = meta;
    return sample;
  };
}

function get(rec: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = rec[path[0]];
  for (let i = 1; i < path.length; i++) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[path[i]];
  }
  return cur;
}

function isText(v: unknown): boolean {
  if (typeof v === "string") return true;
  if (!Array.isArray(v)) return false;
  for (const m of v) {
    if (m === null || typeof m !== "object" || typeof (m as { role?: unknown }).role !== "string") return false;
    // Content is text, a list of parts, or absent (tool-call messages); anything else would be read as "".
    const content = (m as { content?: unknown }).content;
    if (content !== undefined && content !== null && typeof content !== "string" && !Array.isArray(content)) return false;
  }
  return true;
}

function describe(v: unknown): string {
  return Array.isArray(v) ? "a list that is not chat messages ({role, content}, content a string or a list of parts)" : v === null ? "null" : typeof v;
}

/** Reads a raw record's group (after renames) as a comparable key; undefined when it has none. */
export function groupKeyReader(fields: Partial<Record<FieldName, string>>): (raw: unknown) => string | undefined {
  const path = (fields.group ?? "group").split(".");
  return (raw) => {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
    const v = get(raw as Record<string, unknown>, path);
    return typeof v === "string" || typeof v === "number" ? `${typeof v}:${v}` : undefined;
  };
}

/** The id to echo in an output record, also for records that could not be used. */
export function recordId(raw: unknown, idPath: string): string | number | null {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const v = get(raw as Record<string, unknown>, idPath.split("."));
  return typeof v === "string" || typeof v === "number" ? v : null;
}
