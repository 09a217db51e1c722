import { maxAssignment } from "./assignment.ts";
import type { ToolCall } from "./calls.ts";

export interface ValueMatching {
  /** Compare strings case-insensitively (after trimming and collapsing whitespace, always done). */
  ignore_case: boolean;
  /** When false, a numeric or boolean string equals the number or boolean it spells ("5" = 5). */
  strict_types: boolean;
  /** Compare arrays as multisets rather than sequences. */
  unordered_arrays: boolean;
}

const normString = (s: string, o: ValueMatching) => {
  const t = s.trim().replace(/\s+/g, " ");
  return o.ignore_case ? t.toLowerCase() : t;
};

function looseScalar(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && Number.isFinite(Number(t))) return Number(t);
  return v;
}

/** Type-aware equality of argument values: numbers with a relative tolerance, normalised strings, deep objects/arrays. */
export function valuesEqual(a: unknown, b: unknown, o: ValueMatching): boolean {
  // Only a string against a number or boolean is read as what it spells: two strings stay strings ("007" ≠ "7").
  if (!o.strict_types && typeof a !== typeof b) {
    a = looseScalar(a);
    b = looseScalar(b);
  }
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (typeof a === "string" && typeof b === "string") return normString(a, o) === normString(b, o);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (!o.unordered_arrays) return a.every((x, i) => valuesEqual(x, b[i], o));
    const left = [...b];
    for (const x of a) {
      const k = left.findIndex((y) => valuesEqual(x, y, o));
      if (k < 0) return false;
      left.splice(k, 1);
    }
    return true;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && valuesEqual(a[k], b[k], o));
  }
  return a === b;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** ToolRL's match_score: |A ∩ B| / |A ∪ B| over multisets; 1 when both are empty. */
export function multisetJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  let inter = 0;
  for (const x of b) {
    const c = counts.get(x);
    if (c) {
      inter++;
      counts.set(x, c - 1);
    }
  }
  return inter / (a.length + b.length - inter);
}

/**
 * Score of predicted call p for reference call g (ToolRL): 0 for different names, else
 * Jaccard(parameter names) + the number of reference parameters whose value p matches.
 */
export function pairScore(g: ToolCall, p: ToolCall, o: ValueMatching): number {
  if (g.name !== p.name) return 0;
  const gk = Object.keys(g.arguments);
  let values = 0;
  for (const k of gk) if (Object.hasOwn(p.arguments, k) && valuesEqual(g.arguments[k], p.arguments[k], o)) values++;
  return multisetJaccard(gk, Object.keys(p.arguments)) + values;
}

export interface Correctness {
  /** Matched score / maximum score, in 0..1. */
  fraction: number;
  /** Name Jaccard, matched parameter-name and value scores and their maxima, for the reason. */
  name: number;
  matched: number;
  max: number;
}

/**
 * ToolRL correctness before scaling: name Jaccard over the call-name multisets, plus the best
 * one-to-one assignment of predicted to reference calls (optimal, not greedy) summing pairScore;
 * divided by its maximum 1 + Σ_g (1 + |params(g)|).
 */
export function correctness(reference: readonly ToolCall[], predicted: readonly ToolCall[], o: ValueMatching): Correctness {
  const name = multisetJaccard(reference.map((c) => c.name), predicted.map((c) => c.name));
  const scores = reference.map((g) => predicted.map((p) => pairScore(g, p, o)));
  const { total } = maxAssignment(scores);
  let max = 1;
  for (const g of reference) max += 1 + Object.keys(g.arguments).length;
  return { fraction: (name + total) / max, name, matched: total, max };
}
