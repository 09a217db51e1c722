/**
 * Test infrastructure (`rewardsmith/testing`): local servers that speak the model servers'
 * protocols, for tests and benchmarks. Not part of the scoring API.
 */
export { type FakeJudgeServer, type FakeServerOptions, startFakeJudgeServer } from "./judge-server.ts";
