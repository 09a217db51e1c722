import { z } from "zod";
import type { CompareMode } from "./compare.ts";

const weighting = {
  /** Weight of this test under `scoring: weighted`. */
  weight: z.number().finite().nonnegative().optional(),
  /** Share of earlier attempts that passed this test; under `weighted`, weight = 1 - pass_rate (harder tests count more). */
  pass_rate: z.number().min(0).max(1).optional(),
};

const compareSchema = z.enum(["exact", "whitespace", "float"]);
const languageSchema = z.string().min(1).optional();
const identifier = z.string().regex(/^[A-Za-z_$][\w$]*$/, "a function name (an identifier)");

const stdioTests = z.strictObject({
  tests: z.array(z.strictObject({ stdin: z.string().default(""), stdout: z.string(), ...weighting })).min(1),
  compare: compareSchema.optional(),
  language: languageSchema,
});

/** The APPS / prime_code layout: parallel lists of inputs and outputs. */
const ioLists = z.strictObject({
  inputs: z.array(z.string()).min(1),
  outputs: z.array(z.string()).min(1),
  compare: compareSchema.optional(),
  language: languageSchema,
});

const testCode = z.strictObject({
  entry_point: identifier.optional(),
  test_code: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  language: languageSchema,
});

const cases = z.strictObject({
  entry_point: identifier,
  cases: z
    .array(
      z.strictObject({
        args: z.array(z.unknown()).default([]),
        /** Keyword arguments (Python only). */
        kwargs: z.record(z.string(), z.unknown()).optional(),
        expected: z.unknown().refine((v) => v !== undefined, "missing (the value the function must return)"),
        ...weighting,
      }),
    )
    .min(1),
  language: languageSchema,
});

export interface Test {
  stdin?: string;
  stdout?: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  expected?: unknown;
  test_code?: string;
  weight?: number;
  pass_rate?: number;
}

/** A reference after validation: one of the three formats, flattened into tests. */
export interface TestSuite {
  mode: "stdio" | "cases" | "test_code";
  tests: Test[];
  entry_point?: string;
  compare?: CompareMode;
  language?: string;
}

/**
 * Read a reference (an object, or the same as a JSON string) into a test suite, or say precisely
 * what is wrong with it.
 */
export function parseReference(reference: unknown): TestSuite | { problem: string } {
  let value = reference;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return { problem: "the reference is a string but not JSON; expected test cases (see docs/code.md)" };
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { problem: `the reference must be an object with tests, found ${value === undefined ? "nothing" : Array.isArray(value) ? "a list" : typeof value}` };
  }
  const keys = value as Record<string, unknown>;
  if ("tests" in keys) return convert(stdioTests, value, (r) => ({ mode: "stdio", tests: r.tests, compare: r.compare, language: r.language }));
  if ("inputs" in keys || "outputs" in keys) {
    return convert(ioLists, value, (r) =>
      r.inputs.length !== r.outputs.length
        ? { problem: `reference: ${r.inputs.length} inputs but ${r.outputs.length} outputs` }
        : { mode: "stdio", tests: r.inputs.map((stdin, i) => ({ stdin, stdout: r.outputs[i] })), compare: r.compare, language: r.language },
    );
  }
  if ("cases" in keys) {
    return convert(cases, value, (r) => ({ mode: "cases", tests: r.cases, entry_point: r.entry_point, language: r.language }));
  }
  if ("test_code" in keys) {
    return convert(testCode, value, (r) => ({
      mode: "test_code",
      tests: (Array.isArray(r.test_code) ? r.test_code : [r.test_code]).map((t) => ({ test_code: t })),
      entry_point: r.entry_point,
      language: r.language,
    }));
  }
  return { problem: `the reference has none of tests, inputs/outputs, cases, test_code (found keys: ${Object.keys(keys).join(", ") || "none"})` };
}

function convert<S extends z.ZodType>(schema: S, value: unknown, build: (r: z.output<S>) => TestSuite | { problem: string }): TestSuite | { problem: string } {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ["reference", ...issue.path.map(String)].join(".");
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
    return { problem: `${where}: ${issue.message}${more}` };
  }
  return build(parsed.data);
}
