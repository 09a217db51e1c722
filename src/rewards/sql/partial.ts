import type { SchemaNames } from "./protocol.ts";
import { type Token, tokenKey } from "./tokens.ts";

/** Jaccard index |A ∩ B| / |A ∪ B| of two sets; 1 when both are empty. */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * The schema items a query mentions: every identifier token (bare or quoted) that names a table
 * (`table:<name>`) or a column (`column:<name>`) of the database.
 */
export function schemaItems(tokens: readonly Token[], schema: SchemaNames): Set<string> {
  const tables = new Set(schema.tables);
  const columns = new Set(schema.columns);
  const out = new Set<string>();
  for (const t of tokens) {
    if (t.type !== "word" && t.type !== "ident") continue;
    const name = t.text.toLowerCase();
    if (tables.has(name)) out.add(`table:${name}`);
    if (columns.has(name)) out.add(`column:${name}`);
  }
  return out;
}

/** The set of token n-grams of a query (tokens as `tokenKey`). Shorter queries give their whole token list. */
export function tokenNgrams(tokens: readonly Token[], n: number): Set<string> {
  const keys = tokens.map(tokenKey);
  const out = new Set<string>();
  if (keys.length < n) {
    if (keys.length > 0) out.add(keys.join("\u0001"));
    return out;
  }
  for (let i = 0; i + n <= keys.length; i++) out.add(keys.slice(i, i + n).join("\u0001"));
  return out;
}
