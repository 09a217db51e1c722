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

// --- Structured-task rewards (issue 8): toolcall, sql, grounding, similarity ---
export { toolcallReward } from "./verifiers/toolcall/reward.ts";
export { correctness as toolCallCorrectness, type ValueMatching } from "./verifiers/toolcall/match.ts";
export type { ToolCall } from "./verifiers/toolcall/calls.ts";
export { sqlReward } from "./verifiers/sql/reward.ts";
export { groundingReward } from "./verifiers/grounding/reward.ts";
export { boxSizeReward, gaussianCoverage, gaussianPoint, iou } from "./verifiers/grounding/geometry.ts";
export { similarityReward } from "./verifiers/text/similarity/reward.ts";
export { bleuStatistics, corpusBleu, sentenceBleu } from "./verifiers/text/similarity/bleu.ts";
export { sentenceChrf } from "./verifiers/text/similarity/chrf.ts";
export { type RougeScore, rougeL, rougeN } from "./verifiers/text/similarity/rouge.ts";
export { editSimilarity, levenshtein } from "./verifiers/text/similarity/edit.ts";
export { tokenize13a, tokenizeRouge } from "./verifiers/text/similarity/tokenize.ts";
