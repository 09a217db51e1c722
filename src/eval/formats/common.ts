import type { Text } from "../../core/types.ts";
import type { EvalItem } from "../types.ts";

/** A reader turns one parsed record into an item, or says why it cannot (the line is then reported as malformed). */
export type Reader = (raw: Record<string, unknown>, line: number) => EvalItem | string;

/** A string or a list of chat messages ({role, content}). */
export function isText(v: unknown): v is Text {
  return typeof v === "string" || isMessages(v);
}

export function isMessages(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => m !== null && typeof m === "object" && !Array.isArray(m) && typeof (m as { role?: unknown }).role === "string");
}

/** A list of responses (each a string or chat messages), as opposed to one chat conversation. */
export function isTextList(v: unknown): v is Text[] {
  return Array.isArray(v) && !isMessages(v) && v.every(isText);
}

export function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "string") return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}

/** The record's id as a string (falls back to "line N"). */
export function itemId(raw: Record<string, unknown>, line: number, ...keys: string[]): string {
  for (const k of [...keys, "id"]) {
    const v = raw[k];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return `line ${line}`;
}

/** The record's fields besides the named ones (kept as meta). */
export function rest(raw: Record<string, unknown>, used: readonly string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(raw)) {
    if (used.includes(k)) continue;
    out[k] = v;
    any = true;
  }
  return any ? out : undefined;
}

export function need(raw: Record<string, unknown>, key: string, what: string): string | undefined {
  return raw[key] === undefined ? `missing "${key}" (${what})` : undefined;
}
