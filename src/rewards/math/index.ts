import { z } from "zod";
import { defineRewardType } from "../../core/reward.ts";
import { completionText, referenceText } from "../../core/text.ts";
import { DEFAULT_MATH_OPTIONS, type MathOptions, scoreMath } from "./engine.ts";
import { candidates, EXTRACTION_RULES } from "./extract.ts";
import { parseAnswer } from "./parse.ts";
import { MathPool, type Pair } from "./pool.ts";

const options = z.strictObject({
  tolerance: z.number().positive().max(0.5).default(DEFAULT_MATH_OPTIONS.tolerance).describe("Relative tolerance for floating-point comparison."),
  extraction: z.array(z.enum(EXTRACTION_RULES)).min(1).default([...DEFAULT_MATH_OPTIONS.priority]).describe("Extraction rules in the order they are tried."),
  answer_only: z.boolean().default(false).describe("The completion is the answer itself: no extraction."),
  conventions: z.enum(["strict", "lenient"]).default("strict").describe("strict: names matter (x = 5 \u2260 y = 5); lenient also renames a lone variable and reads degrees as radians."),
  rounding: z
    .union([z.enum(["strict", "lenient"]), z.number().int().min(1).max(15)])
    .default("strict")
    .describe("strict: a rounded decimal does not answer an exact value (0.33 \u2260 1/3); lenient: it does; n: agree to n significant digits."),
  decimal_comma: z.boolean().default(false).describe("Plain numbers use a decimal comma (\"2,5\" is 2.5)."),
  timeout_ms: z.number().int().positive().max(600_000).default(1000).describe("Time budget per pair in milliseconds; a pair over it is stopped and reported as `error: timeout`."),
  workers: z.number().int().positive().max(256).optional().describe("Worker threads (default: one per core)."),
});

export type MathRewardOptions = z.output<typeof options>;

export function mathOptions(o: MathRewardOptions): MathOptions {
  return {
    tolerance: o.tolerance,
    strict: o.conventions === "strict",
    rounding: o.rounding,
    priority: o.extraction,
    answerOnly: o.answer_only,
    decimalComma: o.decimal_comma,
  };
}

/** A list of strings is a set of accepted answers; anything else is read as one reference. */
function references(value: unknown): string | string[] | undefined {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string" || typeof v === "number")) return value.map(String);
  return referenceText(value);
}

/** 1 when the completion's final answer is mathematically equivalent to the reference, else 0. */
export const mathReward = defineRewardType({
  type: "math",
  description: "final answer equivalent to the reference (LaTeX/plain, exact, numeric and symbolic checks)",
  options,
  create(o, context) {
    const pool = new MathPool(mathOptions(o), o.timeout_ms, o.workers);
    return {
      name: context.name,
      type: context.type,
      score(samples) {
        const pairs: Pair[] = samples.map((s) => [completionText(s.completion), references(s.reference)]);
        return pool.score(pairs);
      },
      close: () => pool.close(),
    };
  },
});

/**
 * The final answer a completion commits to under the verifier's extraction rules (the first
 * candidate that parses), or undefined when there is none: what answer votes group by.
 */
export function finalMathAnswer(completion: string, o: MathOptions = DEFAULT_MATH_OPTIONS): string | undefined {
  for (const c of candidates(completion, o)) {
    const text = c.text.trim();
    if (text === "") continue;
    try {
      parseAnswer(text);
      return text;
    } catch {
      // not an answer this rule can read: try the next candidate
    }
  }
  return undefined;
}

/** Two final answers are the same value under the verifier's equivalence (the first read as the reference). */
export function sameMathAnswer(a: string, b: string, o: MathOptions = DEFAULT_MATH_OPTIONS): boolean {
  const r = scoreMath(b, a, { ...o, answerOnly: true });
  return r.status === "ok" && r.reward === 1;
}
