import { z } from "zod";
import type { RewardType } from "../../core/reward.ts";
import { completionText, referenceText } from "../../core/text.ts";
import { DEFAULT_MATH_OPTIONS, type MathOptions } from "./engine.ts";
import { EXTRACTION_RULES } from "./extract.ts";
import { MathPool, type Pair } from "./pool.ts";

const options = z.strictObject({
  /** Relative tolerance for floating-point comparison. */
  tolerance: z.number().positive().max(0.5).default(DEFAULT_MATH_OPTIONS.tolerance),
  /** Extraction rules in the order they are tried. */
  extraction: z.array(z.enum(EXTRACTION_RULES)).min(1).default([...DEFAULT_MATH_OPTIONS.priority]),
  /** The completion is the answer itself: no extraction. */
  answer_only: z.boolean().default(false),
  /** strict: names matter (x = 5 ≠ y = 5); lenient also renames a lone variable, rescales percent and reads degrees as radians. */
  conventions: z.enum(["strict", "lenient"]).default("strict"),
  /** strict: a rounded decimal does not answer an exact value (0.33 ≠ 1/3); lenient: it does; n: agree to n significant digits. */
  rounding: z.union([z.enum(["strict", "lenient"]), z.number().int().min(1).max(15)]).default("strict"),
  /** Plain numbers use a decimal comma ("2,5" is 2.5). */
  decimal_comma: z.boolean().default(false),
  /** Time budget per pair in milliseconds; a pair over it is stopped and reported as `error: timeout`. */
  timeout_ms: z.number().int().positive().max(600_000).default(1000),
  /** Worker threads (default: one per core). */
  workers: z.number().int().positive().max(256).optional(),
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
export const mathReward: RewardType<typeof options> = {
  type: "math",
  description: "final answer equivalent to the reference (LaTeX/plain, exact, numeric and symbolic checks)",
  options,
  create(o, { name }) {
    const pool = new MathPool(mathOptions(o), o.timeout_ms, o.workers);
    return {
      name,
      type: "math",
      score(samples) {
        const pairs: Pair[] = samples.map((s) => [completionText(s.completion), references(s.reference)]);
        return pool.score(pairs);
      },
      close: () => pool.close(),
    };
  },
};
