/** The `normalize` block of a reward spec: its schema and its validated form. */
import { z } from "zod";
import type { AdvantageMethod } from "./group.ts";
import { PRESETS, presetsFor } from "./presets.ts";

export const METHODS = ["grpo", "dr_grpo", "rloo", "reinforce_baseline", "rank", "batch", "none"] as const satisfies readonly AdvantageMethod[];

const finite = z.number().finite();
const positive = finite.positive();

/** Where a record's length comes from: Unicode characters or words of the completion, or a numeric record field (e.g. a token count). */
const lengthSource = z.union([z.enum(["chars", "words"]), z.strictObject({ field: z.string().min(1) })]).default("chars");

const shapingStep = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("clip"), min: finite.optional(), max: finite.optional() }),
  z.strictObject({ type: z.literal("scale"), factor: finite.default(1), offset: finite.default(0) }),
  z.strictObject({ type: z.literal("par"), reference_field: z.string().min(1) }),
  z.strictObject({ type: z.literal("overlong"), max: positive, buffer: positive, length: lengthSource }),
  z.strictObject({
    type: z.literal("cosine"),
    max: positive,
    correct_threshold: finite.default(0.5),
    correct_at_zero: finite.default(2),
    correct_at_max: finite.default(1),
    wrong_at_zero: finite.default(-10),
    wrong_at_max: finite.default(0),
    exceed: finite.default(-10),
    length: lengthSource,
  }),
  z.strictObject({
    type: z.literal("length_bias"),
    direction: z.enum(["auto", "increasing", "decreasing"]).default("auto"),
    /** JSONL of {"length": n, "reward": r} to fit on instead of the batch (relative to the spec file). */
    calibration: z.string().min(1).optional(),
    length: lengthSource,
  }),
]);

export const normalizeSchema = z
  .strictObject({
    type: z.enum(METHODS),
    preset: z.enum(PRESETS).optional(),
    std: z.enum(["unbiased", "population"]).optional(),
    epsilon: finite.min(0).optional(),
    singleton: z.enum(["raw", "zero", "null"]).optional(),
    whiten: z.boolean().optional(),
    /** auto: the group field when the record has one, else the prompt text. */
    group_by: z.enum(["auto", "group", "prompt"]).default("auto"),
    multi_reward: z.enum(["sum_then_normalize", "normalize_then_sum"]).default("sum_then_normalize"),
    zero_variance: z.enum(["keep", "flag", "drop"]).default("keep"),
    group_size: z.number().int().positive().optional(),
    shaping: z.array(shapingStep).default([]),
  })
  .superRefine((o, ctx) => {
    if (o.preset !== undefined && !presetsFor(o.type).includes(o.preset)) {
      const have = presetsFor(o.type);
      ctx.addIssue({ code: "custom", path: ["preset"], message: have.length > 0 ? `one of ${have.join(", ")} (the trainers that implement ${o.type})` : `no preset (no trainer preset exists for ${o.type})` });
    }
    o.shaping.forEach((step, i) => {
      // Bounds that make every shaped reward the same constant leave no signal to normalize.
      if (step.type === "clip" && step.min !== undefined && step.max !== undefined && step.min > step.max) {
        ctx.addIssue({ code: "custom", path: ["shaping", i, "max"], message: `a number >= min (${step.min})` });
      }
      if (step.type === "overlong" && step.buffer > step.max) ctx.addIssue({ code: "custom", path: ["shaping", i, "buffer"], message: `a number <= max (${step.max})` });
    });
    if (o.multi_reward === "normalize_then_sum" && o.shaping.length > 0) {
      ctx.addIssue({ code: "custom", path: ["shaping"], message: "no shaping with multi_reward normalize_then_sum (shaping applies to the combined reward)" });
    }
  });

export type NormalizeSpec = z.output<typeof normalizeSchema>;
export type ShapingStep = NormalizeSpec["shaping"][number];
export type LengthSource = z.output<typeof lengthSource>;
