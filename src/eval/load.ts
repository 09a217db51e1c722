import { readFile } from "node:fs/promises";
import { RewardsmithError } from "../core/errors.ts";
import type { Malformed } from "./types.ts";

export interface LoadedRecord {
  line: number;
  raw: Record<string, unknown>;
}

/**
 * The records of a JSONL file (one JSON object a line; blank lines skipped) or of a JSON file (an
 * array of objects, or an object with a `data`/`examples` array). A line that is not a JSON object
 * is reported in `malformed`, the rest are read. Parquet is not read (convert it: docs/eval.md).
 */
export async function loadRecords(path: string): Promise<{ records: LoadedRecord[]; malformed: Malformed[] }> {
  if (/\.parquet$/i.test(path)) throw new RewardsmithError(`${path}: Parquet is not read; convert it to JSONL first (docs/eval.md, "Getting the datasets")`);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new RewardsmithError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseRecords(text, /\.json$/i.test(path));
}

export function parseRecords(input: string, json = false): { records: LoadedRecord[]; malformed: Malformed[] } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: LoadedRecord[] = [];
  const malformed: Malformed[] = [];
  const trimmed = text.trimStart();
  if (json || trimmed.startsWith("[")) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      if (json) throw new RewardsmithError(`not valid JSON: ${(err as Error).message}`);
      doc = undefined;
    }
    if (doc !== undefined) {
      const list = Array.isArray(doc) ? doc : Array.isArray((doc as { data?: unknown })?.data) ? (doc as { data: unknown[] }).data : Array.isArray((doc as { examples?: unknown })?.examples) ? (doc as { examples: unknown[] }).examples : undefined;
      if (!list) throw new RewardsmithError("a JSON input must be an array of records (or an object with a \"data\" array)");
      list.forEach((r, i) => (isObject(r) ? records.push({ line: i + 1, raw: r }) : malformed.push({ line: i + 1, reason: `not a JSON object (${Array.isArray(r) ? "a list" : typeof r})` })));
      return { records, malformed };
    }
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (err) {
      malformed.push({ line: i + 1, reason: `not JSON: ${(err as Error).message}` });
      continue;
    }
    if (isObject(v)) records.push({ line: i + 1, raw: v });
    else malformed.push({ line: i + 1, reason: `not a JSON object (${Array.isArray(v) ? "a list" : v === null ? "null" : typeof v})` });
  }
  return { records, malformed };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
