/**
 * Test infrastructure (`rewardsmith/testing`): local servers that speak the model servers'
 * protocols, for tests and benchmarks. Not part of the scoring API.
 */
export { type FakeJudgeServer, type FakeServerOptions, startFakeJudgeServer } from "./judge-server.ts";

// The tiny real test model (arithmetic world) and its OpenAI/vLLM-compatible server.
export { startTestModelServer, applyChatTemplate, rmScore, STEP_TAG, TEST_MODEL_NAME, type TestModelServer, type TestModelServerOptions } from "./model-server.ts";
export { arithmeticProblems, checkSteps, parseProblem, type ArithmeticProblem, type ArithmeticOptions, type ArithmeticSplit, type StepCheck, type StepVerdict } from "./testmodel/arithmetic.ts";
export { loadTestModel, readModel, type TestModel, type TestModelConfig, type DecodeSession } from "./testmodel/model.ts";
export { generate, scoreText, type Generation, type SampleOptions, type ScoredToken } from "./testmodel/sample.ts";
export { createRng, type Rng } from "./testmodel/rng.ts";
export { encode, decode, VOCAB, EOS, type Encoded } from "./testmodel/tokenizer.ts";
export { startTestRedis, freePort, type TestRedis } from "./redis.ts";
