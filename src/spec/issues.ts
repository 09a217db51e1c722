import type { z } from "zod";
import type { SpecIssue } from "../core/errors.ts";

/** Turn zod issues into spec issues: a dotted path from the spec's root, what was expected, what was found. */
export function toSpecIssues(error: z.ZodError, input: unknown, prefix: Array<string | number> = []): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: joinPath([...path, key]), message: "unknown option (not allowed here)" });
      continue;
    }
    // A schema's own sentence (params.verbatim) is said as it is, not as "expected …, found …".
    if (issue.code === "custom" && (issue.params as { verbatim?: boolean } | undefined)?.verbatim) {
      out.push({ path: joinPath(path), message: issue.message });
      continue;
    }
    const found = valueAt(input, issue.path as Array<string | number>);
    out.push({ path: joinPath(path), message: describe(issue, found) });
  }
  return out;
}

function describe(issue: z.core.$ZodIssue, found: { present: boolean; value?: unknown }): string {
  const expected = expectation(issue);
  const got = found.present ? `found ${preview(found.value)}` : "found nothing (missing)";
  return `expected ${expected}, ${got}`;
}

const TYPE_NAMES: Record<string, string> = { record: "a mapping", object: "a mapping", array: "a list" };

function expectation(issue: z.core.$ZodIssue): string {
  // zod's own messages start with "Invalid"; anything else is a schema's custom expectation.
  if ((issue.code === "invalid_value" || issue.code === "invalid_union") && !/^Invalid/i.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case "invalid_value":
      return issue.values.length === 1 ? preview(issue.values[0]) : `one of ${issue.values.map(preview).join(", ")}`;
    case "too_small":
      return issue.origin === "string" || issue.origin === "array"
        ? `at least ${issue.minimum} ${issue.origin === "string" ? "characters" : "items"}`
        : `a number ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string" || issue.origin === "array"
        ? `at most ${issue.maximum} ${issue.origin === "string" ? "characters" : "items"}`
        : `a number ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    default:
      return issue.message.replace(/^Invalid input:?\s*/i, "") || "a valid value";
  }
}

export function joinPath(path: Array<string | number>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function valueAt(input: unknown, path: Array<string | number>): { present: boolean; value?: unknown } {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== "object" || !(p in (cur as object))) return { present: false };
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return { present: true, value: cur };
}

export function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list (${value.length} items)`;
  if (typeof value === "object") return "an object";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value); // JSON.stringify would say null
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}
