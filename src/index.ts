/** rewardsmith's public API: the contracts, the entry points, and the building blocks, by topic. Test helpers: `rewardsmith/testing`. */

// Contracts: records, results, rewards and reward types
export type { ChatMessage, ComponentResult, OutputRecord, RewardResult, Sample, Segment, Status, Step, Text } from "./core/types.ts";
export { failed, ok, unscorable } from "./core/types.ts";
export type { Reward, RewardContext, RewardType, RunFlags } from "./core/reward.ts";
export { defineRewardType, perSample } from "./core/reward.ts";
export { RewardRegistry } from "./core/registry.ts";
export { type ComponentPolicy, NON_OK_POLICIES, type NonOkPolicy } from "./core/policy.ts";
export { NotSupportedError, RewardsmithError, SpecError, type SpecIssue, UsageError } from "./core/errors.ts";
export { completionText, excerpt, promptText, referenceText } from "./core/text.ts";
export { formatRewardType, type JsonSchema, type OptionDoc, optionFields, optionsJsonSchema, registrySchemas, undocumented } from "./core/docs.ts";

// Specs: the language
export type { RewardSpec, Spec } from "./spec/spec.ts";
export { loadSpec, type ParseOptions, parseSpec, parseSpecText } from "./spec/parse.ts";
export { builtinRegistry, defaultRegistry } from "./rewards/index.ts";

// Scoring: the one entry point (a compiled Scorer) and the ways to drive it
export { Scorer, type ScorerOptions } from "./pipeline/scorer.ts";
export { createScorer, resolveSpec, score, type SpecSource } from "./pipeline/score.ts";
export { type Progress, scoreStream, StreamIoError, type StreamOptions } from "./pipeline/stream.ts";
export type { Summary } from "./pipeline/summary.ts";
export { normalizeRecords, type NormalizedStreamOptions, scoreStreamNormalized } from "./pipeline/normalized.ts";
export { Normalizer } from "./pipeline/normalizer.ts";

// Combining components: combinators, formulas, ensembles
export type { Aggregate, CombineSpec, Combined, Combiner } from "./combine/combine.ts";
export { createCombiner } from "./combine/combine.ts";
export { AGGREGATES, COMBINE_TYPES, combineNameSchema, combineObjectSchema, combineSchemaFor } from "./combine/schema.ts";
export { type CompiledFormula, compileFormula, FormulaError } from "./combine/formula.ts";
export { type EnsembleMethod, type EnsembleResult, type EnsembleSpec, cvar, ENSEMBLE_METHODS, ensembleReward } from "./combine/ensemble.ts";

// Normalisation: group advantages, shaping, step rewards, win rates (docs/normalize.md)
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
  type NormalizeSummary,
  type SingletonRule,
  type StdKind,
  whiten,
  type ZeroVarianceRule,
} from "./normalize/group.ts";
export { type AdvantageChoice, type Preset, PRESETS, presetsFor, resolveAdvantageOptions } from "./normalize/presets.ts";
export { clip, COSINE_DEFAULTS, type CosineLength, correctLengthBias, cosineLengthReward, isotonicFit, preferenceAsReward } from "./normalize/shaping.ts";
export { aggregateSteps, discountedReturns, firstErrorIndex, gatedStepReward, minFormReturns, STEP_AGGREGATES, type StepAggregate } from "./rewards/steps/aggregate.ts";
export { type Compare, type PairOutcome, roundRobin, singleElimination, type Tournament, winRates } from "./normalize/winrate.ts";
export type { NormalizeSpec, ShapingStep } from "./normalize/spec.ts";
export { type Calibration, type ComponentRule, type Normalized, NormalizeCollector, readCalibrations } from "./normalize/batch.ts";

// Reward types: text and format
export { tokenF1 } from "./rewards/f1/index.ts";
export { overlongPenalty } from "./rewards/length/index.ts";

// Reward types: math
export { DEFAULT_MATH_OPTIONS, type MathOptions, scoreMath } from "./rewards/math/engine.ts";
export { MathPool, type Pair as MathPair } from "./rewards/math/pool.ts";
export { mathReward } from "./rewards/math/index.ts";
export { equivalent as mathEquivalent } from "./rewards/math/compare.ts";
export { LimitError as MathLimitError, ParseError as MathParseError, parseAnswer as parseMathAnswer } from "./rewards/math/parse.ts";

// Reward types: code execution (`type: code`, sandboxed with bubblewrap)
export { codeReward } from "./rewards/code/index.ts";
export { extractCode, type ExtractMode } from "./rewards/code/extract.ts";

// Reward types: structured tasks (toolcall, sql, grounding, similarity)
export { toolcallReward } from "./rewards/toolcall/index.ts";
export { correctness as toolCallCorrectness, type ValueMatching } from "./rewards/toolcall/match.ts";
export type { ToolCall } from "./rewards/toolcall/calls.ts";
export { sqlReward } from "./rewards/sql/index.ts";
export { groundingReward } from "./rewards/grounding/index.ts";
export { boxSizeReward, gaussianCoverage, gaussianPoint, iou } from "./rewards/grounding/geometry.ts";
export { similarityReward } from "./rewards/similarity/index.ts";
export { bleuStatistics, corpusBleu, sentenceBleu } from "./rewards/similarity/bleu.ts";
export { sentenceChrf } from "./rewards/similarity/chrf.ts";
export { type RougeScore, rougeL, rougeN } from "./rewards/similarity/rouge.ts";
export { editSimilarity, levenshtein } from "./rewards/similarity/edit.ts";
export { tokenize13a, tokenizeRouge } from "./rewards/similarity/tokenize.ts";

// Reward types: LLM judges, and the HTTP client for model servers
export { judgeRewardType } from "./rewards/judge/index.ts";
export { Judge } from "./rewards/judge/judge.ts";
export { type JudgeOptions, judgeOptions } from "./rewards/judge/options.ts";
export { degenerateReason, REASONING_OPENERS } from "./rewards/judge/guards.ts";
export { DEFAULT_PROMPTS, DEFAULT_SYSTEM } from "./rewards/judge/prompts.ts";
export { parseVerdict, type Verdict } from "./rewards/judge/verdict.ts";
export { type AuditedSpec, type AuditOptions, type AuditReport, auditJudges, formatAudit, MASTER_KEYS } from "./rewards/judge/audit.ts";
export { ChatClient, type ChatResponse, type ClientConfig, JudgeRequestError, type TokenLogprob } from "./rewards/shared/http/client.ts";
export { JudgeCache } from "./rewards/shared/http/cache.ts";
export { CachedChat } from "./rewards/shared/http/cached-chat.ts";
export { type ClientStats, EndpointRequestError, JsonClient, type Parsed, type PostOptions } from "./rewards/shared/http/json-client.ts";
export { clientConfig, type EndpointConnection, endpointApiKey, endpointFields, replyCachePath } from "./rewards/shared/http/endpoint.ts";

// --- capabilities added by later branches ---

// Math verifier: rounding policy (issue 19)
export type { CompareOptions as MathCompareOptions, Rounding as MathRounding } from "./rewards/math/compare.ts";

// See your rewards: run store, dashboard, static reports, span-level judging (docs/view.md).
export { compareRuns, comparedRecords, DEFAULT_STORE_DIR, pairedStats, recordRun, RunQuery, RunStore, signTestP, storeDir } from "./store/index.ts";
export type { CompareRow, CompareSummary, GroupRow, Histogram, ListedRun, Page, PairedStats, RecordFilter, RecordPage, RecordRow, RecordRunOptions, RunInfo, RunStats, ShownRecord } from "./store/index.ts";
export { buildViewApp, type ViewOptions } from "./view/app.ts";
export { buildReport, type ReportOptions } from "./view/report.ts";
export { placeQuote, sentences, type QuoteMiss, type QuotePlacement } from "./rewards/judge/span-match.ts";
export { parseSpans, SpanJudge, spansJudgeOptions, type SpansJudgeOptions } from "./rewards/judge/spans.ts";

// Reward-model evaluation: `rewardsmith eval` (docs/eval.md).
export { evaluate, type EvaluateOptions, type EvalResult, type Evaluation, type ItemResult, type SubsetResult } from "./eval/evaluate.ts";
export { writeEvaluation, parseGates, checkGates, type Gate } from "./eval/output.ts";
export { buildEvalReport } from "./eval/report.ts";
export { FORMATS as EVAL_FORMATS, type EvalFormat, type EvalItem, type Candidate as EvalCandidate, type CandidateScore } from "./eval/types.ts";

// Model-backed rewards: served PRMs and reward models, logprob rewards (issue 15, docs/models.md).
export { prmReward } from "./rewards/prm/index.ts";
export { ModelEndpoint } from "./rewards/shared/http/model-endpoint.ts";
export { rewardModelReward } from "./rewards/reward_model/index.ts";
export { likelihoodReward } from "./rewards/likelihood/index.ts";
export { TeacherForcer, spanTokens, type ForcedToken, type Forced } from "./rewards/shared/http/teacher-force.ts";
export { confidenceReward } from "./rewards/confidence/index.ts";
export { perplexityReward } from "./rewards/perplexity/index.ts";
export { selfCertaintyReward } from "./rewards/self_certainty/index.ts";
export { implicitPrmReward } from "./rewards/implicit_prm/index.ts";
// Scale-out: queued batch scoring on BullMQ, Redis shared state of model-server clients (docs/scale.md).
export { scoreQueued, startChunkWorker, chunkLines, readInputLines, queueName, specHash, QUEUE_PREFIX } from "./scale/index.ts";
export type { QueuedScoreOptions, QueuedProgress, QueuedSummary, ChunkWorker, ChunkWorkerOptions, Chunk, InputLine, ChunkJobData } from "./scale/index.ts";
export { RedisReplyCache, RedisEndpointState, isRedisUrl, type GlobalLimits } from "./rewards/shared/http/redis.ts";
export { openReplyCache } from "./rewards/shared/http/endpoint.ts";
export type { ReplyCache } from "./rewards/shared/http/cache.ts";
export type { SharedEndpointState } from "./rewards/shared/http/json-client.ts";

// Reward-guided inference: best-of-N, votes, beam, DVTS, particle filtering over any OpenAI-compatible generator (docs/search.md).
export { search, Searcher, STRATEGIES, STRATEGY_NAMES, type SearchOptions, type SearchRecord, type StrategyName } from "./search/search.ts";
export { OpenAIGenerator, generatorConfig, generatorSchema, chatMessages, GENERATOR_MODES, type GenerateFn, type Generation, type GenerationRequest, type GeneratorConfig, type GeneratorMode, type FinishKind } from "./search/generator.ts";
export { specScorer, functionScorer, STEP_AGGREGATIONS, type StepScorer, type Scored, type StepAggregation, type SpecScorerOptions } from "./search/scorers.ts";
export { SearchRun, SearchAborted, splitSteps, type Problem as SearchProblem, type Candidate as SearchCandidate, type Budget as SearchBudget, type Trace as SearchTrace, type TreeNode as SearchTreeNode, type Sampling } from "./search/run.ts";
export { AnswerClasses, type AnswerMatch } from "./search/answers.ts";
export { systematicResample, effectiveSampleSize, normalizeLogWeights, logitPotential, seededRandom } from "./search/resample.ts";
export { searchStream, toProblem, SearchSummaryBuilder, type SearchSummary, type SearchStreamOptions } from "./search/stream.ts";
export { finalMathAnswer, sameMathAnswer } from "./rewards/math/index.ts";
