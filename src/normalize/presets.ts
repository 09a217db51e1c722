import type { AdvantageMethod, AdvantageOptions, SingletonRule, StdKind } from "./group.ts";

export type Preset = "verl" | "trl" | "openrlhf";
export const PRESETS: readonly Preset[] = ["verl", "trl", "openrlhf"];

interface PresetValues {
  std: StdKind;
  epsilon: number;
  singleton: SingletonRule;
  whiten: boolean;
}

/**
 * What each trainer's own advantage function does (docs/normalize.md cites the code):
 * verl core_algos.py, TRL GRPOTrainer._generate_and_score_completions, OpenRLHF experience_maker.py.
 * A method a trainer does not implement has no entry.
 */
const TABLE: Record<Preset, Partial<Record<AdvantageMethod, PresetValues>>> = {
  verl: {
    grpo: { std: "unbiased", epsilon: 1e-6, singleton: "raw", whiten: false },
    dr_grpo: { std: "unbiased", epsilon: 1e-6, singleton: "raw", whiten: false },
    rloo: { std: "unbiased", epsilon: 1e-6, singleton: "raw", whiten: false },
    reinforce_baseline: { std: "unbiased", epsilon: 1e-6, singleton: "raw", whiten: true },
  },
  trl: {
    grpo: { std: "unbiased", epsilon: 1e-4, singleton: "zero", whiten: false },
    dr_grpo: { std: "unbiased", epsilon: 1e-4, singleton: "zero", whiten: false },
    batch: { std: "unbiased", epsilon: 1e-4, singleton: "zero", whiten: false },
  },
  openrlhf: {
    grpo: { std: "unbiased", epsilon: 1e-9, singleton: "null", whiten: false },
    dr_grpo: { std: "unbiased", epsilon: 1e-9, singleton: "zero", whiten: false },
    rloo: { std: "unbiased", epsilon: 1e-9, singleton: "null", whiten: false },
    reinforce_baseline: { std: "unbiased", epsilon: 1e-9, singleton: "zero", whiten: false },
  },
};

const DEFAULT_PRESET: Partial<Record<AdvantageMethod, Preset>> = {
  grpo: "verl",
  dr_grpo: "verl",
  rloo: "verl",
  reinforce_baseline: "verl",
  batch: "trl",
};

const NEUTRAL: PresetValues = { std: "unbiased", epsilon: 0, singleton: "zero", whiten: false };

/** The trainers that implement a method. */
export function presetsFor(method: AdvantageMethod): Preset[] {
  return PRESETS.filter((p) => TABLE[p][method] !== undefined);
}

export interface AdvantageChoice {
  method: AdvantageMethod;
  preset?: Preset;
  std?: StdKind;
  epsilon?: number;
  singleton?: SingletonRule;
  whiten?: boolean;
  zeroVariance?: AdvantageOptions["zeroVariance"];
  expectedGroupSize?: number;
}

/** Full options from a method, an optional preset (default: the trainer listed first for it) and explicit overrides. */
export function resolveAdvantageOptions(choice: AdvantageChoice): AdvantageOptions {
  const preset = choice.preset ?? DEFAULT_PRESET[choice.method];
  const base = preset ? TABLE[preset][choice.method] : NEUTRAL;
  if (!base) throw new RangeError(`${preset} has no ${choice.method}; presets for ${choice.method}: ${presetsFor(choice.method).join(", ") || "none"}`);
  const options: AdvantageOptions = {
    method: choice.method,
    std: choice.std ?? base.std,
    epsilon: choice.epsilon ?? base.epsilon,
    singleton: choice.singleton ?? base.singleton,
    whiten: choice.whiten ?? base.whiten,
    zeroVariance: choice.zeroVariance ?? "keep",
  };
  if (choice.expectedGroupSize !== undefined) options.expectedGroupSize = choice.expectedGroupSize;
  return options;
}
