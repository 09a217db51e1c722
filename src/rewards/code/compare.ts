/** How a program's stdout is compared with the expected output. */
export type CompareMode = "exact" | "whitespace" | "float";

/**
 * `exact`: byte for byte; `whitespace`: the same whitespace-separated tokens (line breaks, trailing
 * spaces and newlines do not matter); `float`: like whitespace, and tokens that are both numbers
 * may differ by `tolerance` (absolute, or relative to the expected value).
 */
export function outputsMatch(actual: string, expected: string, mode: CompareMode, tolerance: number): boolean {
  if (mode === "exact") return actual === expected;
  const a = tokens(actual);
  const e = tokens(expected);
  if (a.length !== e.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === e[i]) continue;
    if (mode !== "float") return false;
    if (!isNumber(a[i]) || !isNumber(e[i])) return false;
    const [x, y] = [Number(a[i]), Number(e[i])];
    // Tokens past the double range (a 400-digit answer) are Infinity: only the same text matches.
    if (!Number.isFinite(x) || !Number.isFinite(y) || !numbersClose(x, y, tolerance)) return false;
  }
  return true;
}

function tokens(text: string): string[] {
  const t = text.trim();
  return t === "" ? [] : t.split(/\s+/);
}

function isNumber(token: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(token);
}

export function numbersClose(a: number, e: number, tolerance: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(e)) return Number.isNaN(a) && Number.isNaN(e);
  if (a === e) return true;
  if (!Number.isFinite(a) || !Number.isFinite(e)) return false; // else any number is within tolerance × Infinity
  const diff = Math.abs(a - e);
  return diff <= tolerance || diff <= tolerance * Math.abs(e);
}

/**
 * Deep equality of JSON values; numbers within `tolerance` when it is above 0 (else exact), except
 * two integers: a relative tolerance would let 1000000008 pass for 1000000007.
 */
export function valuesMatch(actual: unknown, expected: unknown, tolerance: number): boolean {
  if (typeof actual === "number" && typeof expected === "number") {
    if (Number.isSafeInteger(actual) && Number.isSafeInteger(expected)) return actual === expected;
    return tolerance > 0 ? numbersClose(actual, expected, tolerance) : actual === expected;
  }
  if (Array.isArray(actual) || Array.isArray(expected)) {
    if (!Array.isArray(actual) || !Array.isArray(expected) || actual.length !== expected.length) return false;
    return actual.every((v, i) => valuesMatch(v, expected[i], tolerance));
  }
  if (actual !== null && expected !== null && typeof actual === "object" && typeof expected === "object") {
    const ak = Object.keys(actual);
    const ek = Object.keys(expected);
    if (ak.length !== ek.length) return false;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    return ek.every((k) => Object.hasOwn(a, k) && valuesMatch(a[k], e[k], tolerance));
  }
  return actual === expected;
}

/** A short quoted preview of a value for reasons. */
export function preview(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
