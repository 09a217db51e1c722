import type { CombineSpec, NonOkPolicy } from "../combine/combine.ts";
import type { NormalizeSpec } from "../normalize/spec.ts";
import type { FieldName } from "./schema.ts";

/** One reward of a validated spec. `options` has passed the reward type's own schema. */
export interface RewardSpec {
  name: string;
  type: string;
  weight: number;
  onError: NonOkPolicy;
  onUnscorable: NonOkPolicy;
  options: unknown;
}

/** A validated spec, ready to be turned into a scorer. */
export interface Spec {
  /** The file it came from, when it came from one. */
  file?: string;
  /** Directory that relative paths in reward options are resolved against. */
  dir: string;
  fields: Partial<Record<FieldName, string>>;
  rewards: RewardSpec[];
  combine: CombineSpec;
  /** Group advantages and reward shaping over the whole input (docs/normalize.md). */
  normalize?: NormalizeSpec;
  /** Stand-in for a non-ok record's reward where a trainer protocol only takes numbers; absent means 0. */
  nullReward?: number;
}
