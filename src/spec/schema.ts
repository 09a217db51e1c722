import { z } from "zod";
import { NON_OK_POLICIES } from "../core/policy.ts";

export const nonOkPolicy = z.enum(NON_OK_POLICIES);

/** Contract fields a spec may rename (`fields: {completion: response}`); a dotted path reaches into objects. */
export const FIELD_NAMES = ["id", "prompt", "completion", "reference", "group", "steps"] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export const fieldsSchema = z.strictObject(
  Object.fromEntries(FIELD_NAMES.map((f) => [f, z.string().min(1).optional()])) as Record<FieldName, z.ZodOptional<z.ZodString>>,
);

/** Keys every reward entry accepts; everything else belongs to the reward type's own options. */
export const rewardCommonSchema = z.object({
  type: z.string().min(1),
  weight: z.number().finite().default(1),
  on_error: nonOkPolicy.optional(),
  on_unscorable: nonOkPolicy.optional(),
});
export const COMMON_KEYS = new Set(["type", "weight", "on_error", "on_unscorable"]);

export const specDocumentSchema = z.strictObject({
  version: z.literal(1).optional(),
  description: z.string().optional(),
  fields: fieldsSchema.optional(),
  rewards: z.record(z.string(), z.record(z.string(), z.unknown())),
  combine: z.unknown().optional(),
  on_error: nonOkPolicy.default("propagate"),
  on_unscorable: nonOkPolicy.default("propagate"),
  /** The number sent where a protocol needs one for a record that is not ok (OpenRLHF, verl). */
  null_reward: z.number().finite().default(0),
  normalize: z.unknown().optional(),
});

export const REWARD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
