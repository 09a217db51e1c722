/** The `combine` block of a reward spec: its zod schema (shape and value checks; names are checked against the spec by the parser). */
import { z } from "zod";
import type { Aggregate, CombineSpec } from "./combine.ts";
import { ENSEMBLE_METHODS } from "./ensemble.ts";

export const AGGREGATES = ["weighted_sum", "min", "max", "product"] as const satisfies readonly Aggregate[];
export const COMBINE_TYPES = [...AGGREGATES, "gate", "formula", "ensemble"] as const;

const finite = z.number().finite();
/** A custom issue whose message is a whole sentence, not an expectation ("expected …, found …"). */
const verbatim = { verbatim: true };

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const gateNames = z
  // z.custom keeps the mapping as written (zod's record would rebuild it and drop a "__proto__" key).
  .union([z.string().min(1), z.array(z.union([z.string(), z.number()])), z.custom<Record<string, unknown>>(isMapping)], {
    error: "the gate reward names (a list, or a mapping name: threshold)",
  })
  .superRefine((g, ctx) => {
    if (!isMapping(g)) return;
    for (const [name, t] of Object.entries(g)) {
      if (typeof t !== "number" || !Number.isFinite(t)) ctx.addIssue({ code: "custom", path: [name], message: "a threshold number" });
    }
  })
  // Entries, not assignments: a gate named "__proto__" must stay a (refused) name, not set a prototype.
  .transform((g): Array<[string, number]> => (typeof g === "string" ? [[g, 1]] : Array.isArray(g) ? g.map((n) => [String(n), 1]) : (Object.entries(g) as Array<[string, number]>)))
  .describe("The rewards that must pass: a name, a list of names (threshold 1), or a mapping name: threshold.");

const ensemble = z
  .strictObject({
    type: z.literal("ensemble"),
    method: z.enum(ENSEMBLE_METHODS, { error: `one of ${ENSEMBLE_METHODS.join(", ")}` }).describe("How the members combine: mean, median, min, mean_minus_std, mean_min or cvar."),
    lambda: finite.optional().describe("mean_minus_std: the std penalty (>= 0); mean_min: the weight of the mean, in [0, 1]."),
    alpha: z.number().optional().describe("cvar: the tail level in (0, 1]."),
  })
  .superRefine((o, ctx) => {
    if (o.lambda !== undefined) {
      if (o.method !== "mean_minus_std" && o.method !== "mean_min") {
        ctx.addIssue({ code: "custom", path: ["lambda"], message: `only mean_minus_std and mean_min take lambda, found it with ${o.method}`, params: verbatim });
      } else if (o.lambda < 0 || (o.method === "mean_min" && o.lambda > 1)) {
        ctx.addIssue({ code: "custom", path: ["lambda"], message: `a number ${o.method === "mean_min" ? "in [0, 1]" : ">= 0"}` });
      }
    }
    if (o.alpha !== undefined) {
      if (o.method !== "cvar") ctx.addIssue({ code: "custom", path: ["alpha"], message: `only cvar takes alpha, found it with ${o.method}`, params: verbatim });
      else if (!(o.alpha > 0 && o.alpha <= 1)) ctx.addIssue({ code: "custom", path: ["alpha"], message: "a number in (0, 1]" });
    }
  });

const combineObject = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.enum(AGGREGATES) }),
    z.strictObject({
      type: z.literal("gate"),
      gates: gateNames,
      floor: finite.default(0).describe("The reward when a gate is not passed."),
      then: z.enum(AGGREGATES).default("weighted_sum").describe("How the rewards that are not gates combine once every gate passes."),
    }),
    z.strictObject({
      type: z.literal("formula"),
      formula: z.string().refine((f) => f.trim() !== "", "an expression over reward names").describe("An expression over reward names, e.g. correct * (format > 0)."),
    }),
    ensemble,
  ],
  { error: (issue) => (issue.code === "invalid_union" ? `one of ${COMBINE_TYPES.join(", ")}` : undefined) },
);

/** `combine:` written as a name: weighted_sum, min, max or product (the others need options). */
export const combineNameSchema = z
  .enum(AGGREGATES, {
    error: (issue) => {
      const hint = issue.input === "gate" || issue.input === "formula" || issue.input === "ensemble" ? ` ("${issue.input}" needs options: write it as a mapping)` : "";
      return `one of ${COMBINE_TYPES.join(", ")}${hint}`;
    },
  })
  .transform((type): CombineSpec => ({ type }));

/** `combine:` written as a mapping with a `type` (a mapping with only `formula` is a formula). */
export const combineObjectSchema = z.preprocess(
  (raw) => (isMapping(raw) && !("type" in raw) && "formula" in raw ? { type: "formula", ...raw } : raw),
  combineObject.transform((c): CombineSpec => (c.type === "gate" ? { type: "gate", gates: Object.fromEntries(c.gates), floor: c.floor, then: c.then } : c)),
);

/** The schema for a `combine:` value as written (absent means weighted_sum). */
export function combineSchemaFor(raw: unknown): z.ZodType<CombineSpec> {
  return (typeof raw === "string" ? combineNameSchema : combineObjectSchema) as z.ZodType<CombineSpec>;
}
