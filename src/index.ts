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

// --- normalization, shaping, ensembles, step rewards, win rates (issue 5; docs/normalize.md) ---
export { type EnsembleMethod, type EnsembleResult, type EnsembleSpec, cvar, ENSEMBLE_METHODS, ensembleReward } from "./combine/ensemble.ts";
export {
  type AdvantageMethod,
  type AdvantageOptions,
  type AdvantageResult,
  advantageNote,
  batchStatistics,
  centredRanks,
  FLAG as ADVANTAGE_FLAG,
  type GroupStats,
  groupAdvantages,
  groupMoments,
  type SingletonRule,
  type StdKind,
  whiten,
  type ZeroVarianceRule,
} from "./normalize/group.ts";
export { type AdvantageChoice, type Preset, PRESETS, presetsFor, resolveAdvantageOptions } from "./normalize/presets.ts";
export { clip, COSINE_DEFAULTS, type CosineLength, correctLengthBias, cosineLengthReward, isotonicFit, preferenceAsReward } from "./normalize/shaping.ts";
export { aggregateSteps, discountedReturns, firstErrorIndex, gatedStepReward, minFormReturns, STEP_AGGREGATES, type StepAggregate } from "./normalize/steps.ts";
export { type Compare, type PairOutcome, roundRobin, singleElimination, type Tournament, winRates } from "./normalize/winrate.ts";
export type { NormalizeSpec, ShapingStep } from "./normalize/spec.ts";
export { type Normalized, NormalizeCollector, type NormalizeSummary } from "./normalize/batch.ts";
export { normalizeRecords, type NormalizedStreamOptions, scoreStreamNormalized } from "./spec/normalized.ts";
// --- LLM judges (issue 7) ---
export { judgeRewardType } from "./judges/type.ts";
export { Judge } from "./judges/judge.ts";
export { type JudgeOptions, judgeOptions, withoutJudgeCache } from "./judges/options.ts";
export { ChatClient, type ChatResponse, type ClientConfig, JudgeRequestError, type TokenLogprob } from "./judges/client.ts";
export { JudgeCache } from "./judges/cache.ts";
export { degenerateReason, REASONING_OPENERS } from "./judges/guards.ts";
export { DEFAULT_PROMPTS, DEFAULT_SYSTEM } from "./judges/prompts.ts";
export { parseVerdict, type Verdict } from "./judges/verdict.ts";
export { type AuditReport, auditJudges, formatAudit, MASTER_KEYS } from "./judges/audit.ts";
export { type FakeJudgeServer, type FakeServerOptions, startFakeJudgeServer } from "./judges/testing/server.ts";
// --- math verifier (issue #3) ---
export { DEFAULT_MATH_OPTIONS, type MathOptions, scoreMath } from "./verifiers/math/engine.ts";
export { MathPool, type Pair as MathPair } from "./verifiers/math/pool.ts";
export { mathReward } from "./verifiers/math/reward.ts";
export { equivalent as mathEquivalent } from "./verifiers/math/compare.ts";
export { LimitError as MathLimitError, ParseError as MathParseError, parseAnswer as parseMathAnswer } from "./verifiers/math/parse.ts";
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
// --- code execution reward (issue #4): `type: code`, sandboxed with bubblewrap ---
export { codeReward } from "./verifiers/code/code.ts";
export { extractCode, type ExtractMode } from "./verifiers/code/extract.ts";
