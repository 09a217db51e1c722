/** rewardsmith's public API. */
export type { ChatMessage, ComponentResult, OutputRecord, RewardResult, Sample, Segment, Status, Step, Text } from "./core/types.ts";
export { failed, ok, unscorable } from "./core/types.ts";
export type { Reward, RewardContext, RewardType } from "./core/reward.ts";
export { perSample } from "./core/reward.ts";
export { RewardRegistry } from "./core/registry.ts";
export { NotSupportedError, RewardsmithError, SpecError, type SpecIssue, UsageError } from "./core/errors.ts";
export { completionText, promptText, referenceText } from "./core/text.ts";

export type { Aggregate, CombineSpec, Combined, Combiner, ComponentPolicy, NonOkPolicy } from "./combine/combine.ts";
export { createCombiner } from "./combine/combine.ts";
export { type CompiledFormula, compileFormula, FormulaError } from "./combine/formula.ts";

export type { RewardSpec, Spec } from "./spec/spec.ts";
export { loadSpec, type ParseOptions, parseSpec, parseSpecText } from "./spec/parse.ts";
export { builtinRegistry, defaultRegistry } from "./spec/builtins.ts";
export { Scorer } from "./spec/scorer.ts";
export { createScorer, resolveSpec, score, type SpecSource } from "./spec/score.ts";
export { type Progress, scoreStream, StreamIoError, type StreamOptions, type Summary } from "./spec/stream.ts";

export { tokenF1 } from "./verifiers/text/f1.ts";
export { overlongPenalty } from "./verifiers/format/length.ts";

// --- code execution reward (issue #4): `type: code`, sandboxed with bubblewrap ---
export { codeReward } from "./verifiers/code/code.ts";
export { extractCode, type ExtractMode } from "./verifiers/code/extract.ts";
