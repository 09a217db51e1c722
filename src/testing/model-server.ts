import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkSteps } from "./testmodel/arithmetic.ts";
import { loadTestModel, type TestModel } from "./testmodel/model.ts";
import { createRng } from "./testmodel/rng.ts";
import { generate, scoreText, type Generation, type ScoredToken } from "./testmodel/sample.ts";
import { encode, VOCAB } from "./testmodel/tokenizer.ts";
import { readBody } from "./read-body.ts";

/**
 * An OpenAI/vLLM-compatible server over the tiny arithmetic test model: `/v1/completions`,
 * `/v1/chat/completions`, `/v1/models`, and `/pooling` (per-step scores from the rule step checker).
 * Real sampling with true log-probabilities; see docs/testing.md.
 */
export const TEST_MODEL_NAME = "rewardsmith-testbed";
const MAX_LOGPROBS = 20;

export interface TestModelServer {
  /** The API root, e.g. http://127.0.0.1:41234/v1. */
  url: string;
  close(): Promise<void>;
}

export interface TestModelServerOptions {
  port?: number;
  host?: string;
}

class BadRequest extends Error {
  status: number;
  param: string | null;
  constructor(message: string, param: string | null = null, status = 400) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

export async function startTestModelServer(options: TestModelServerOptions = {}): Promise<TestModelServer> {
  const model = loadTestModel();
  const server = createServer((req, res) => {
    handle(model, req, res).catch((err) => {
      if (err instanceof BadRequest) return sendError(res, err.status, err.message, err.param);
      sendError(res, 500, `test model server failure: ${(err as Error).message}`, null);
    });
  });
  server.keepAliveTimeout = 60_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(model: TestModel, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && (path === "/health" || path === "/v1/health")) return send(res, 200, {});
  if (req.method === "GET" && path === "/v1/models") return send(res, 200, modelsList(model));
  const routes: Record<string, (b: Record<string, unknown>, m: TestModel) => unknown> = {
    "/v1/completions": completions,
    "/v1/chat/completions": chatCompletions,
    "/pooling": pooling,
    "/v1/pooling": pooling,
    // Reward-model protocols (vLLM score/classify, OpenRLHF, TEI) over the rule reward rmScore, and SGLang's native /generate.
    "/score": vllmScore,
    "/v1/score": vllmScore,
    "/classify": vllmClassify,
    "/v1/classify": vllmClassify,
    "/get_reward": openrlhfReward,
    "/predict": teiPredict,
    "/rerank": teiRerank,
    "/generate": sglangGenerate,
  };
  const route = routes[path];
  if (!route) return sendError(res, 404, `no route ${req.method} ${path}`, null);
  if (req.method !== "POST") return sendError(res, 405, `${path} takes POST`, null);
  const raw = await readBody(req);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadRequest("the request body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new BadRequest("the request body must be a JSON object");
  const b = body as Record<string, unknown>;
  if (b.model !== undefined && b.model !== null && b.model !== TEST_MODEL_NAME) throw new BadRequest(`The model \`${String(b.model)}\` does not exist.`, "model", 404);
  if (b.stream === true) throw new BadRequest("stream is not supported by the test model server", "stream");
  send(res, 200, route(b, model));
}

function modelsList(model: TestModel) {
  return {
    object: "list",
    data: [{ id: TEST_MODEL_NAME, object: "model", created: 0, owned_by: "rewardsmith", root: TEST_MODEL_NAME, parent: null, max_model_len: model.config.n_ctx }],
  };
}

interface Sampling {
  n: number;
  temperature: number;
  topP: number;
  maxTokens: number | undefined;
  stop: string[];
  includeStop: boolean;
  seed: number;
  promptLogprobs: number | undefined;
}

function sampling(b: Record<string, unknown>, defaultMaxTokens: number | undefined, allowZeroTokens: boolean): Sampling {
  const n = intParam(b, "n", 1, 1, 128);
  const temperature = numParam(b, "temperature", 1);
  if (temperature < 0) throw new BadRequest(`temperature must be non-negative, got ${temperature}.`, "temperature");
  const topP = numParam(b, "top_p", 1);
  if (!(topP > 0 && topP <= 1)) throw new BadRequest(`top_p must be in (0, 1], got ${topP}.`, "top_p");
  const maxKey = b.max_completion_tokens !== undefined && b.max_completion_tokens !== null ? "max_completion_tokens" : "max_tokens";
  const maxTokens = b[maxKey] === undefined || b[maxKey] === null ? defaultMaxTokens : intParam(b, maxKey, 0, allowZeroTokens ? 0 : 1, Number.MAX_SAFE_INTEGER);
  let stop: string[] = [];
  if (typeof b.stop === "string") stop = [b.stop];
  else if (Array.isArray(b.stop) && b.stop.every((s) => typeof s === "string")) stop = b.stop as string[];
  else if (b.stop !== undefined && b.stop !== null) throw new BadRequest("stop must be a string or a list of strings", "stop");
  stop = stop.filter((s) => s.length > 0);
  const seed = b.seed === undefined || b.seed === null ? Math.floor(Math.random() * 2 ** 31) : intParam(b, "seed", 0, -(2 ** 63), 2 ** 63);
  const promptLogprobs = b.prompt_logprobs === undefined || b.prompt_logprobs === null ? undefined : intParam(b, "prompt_logprobs", 0, 0, MAX_LOGPROBS);
  return { n, temperature, topP, maxTokens, stop, includeStop: b.include_stop_str_in_output === true, seed, promptLogprobs };
}

function numParam(b: Record<string, unknown>, key: string, dflt: number): number {
  const v = b[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new BadRequest(`${key} must be a number`, key);
  return v;
}

function intParam(b: Record<string, unknown>, key: string, dflt: number, min: number, max: number): number {
  const v = b[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new BadRequest(`${key} must be an integer`, key);
  if (v < min || v > max) throw new BadRequest(`${key} must be between ${min} and ${max}, got ${v}.`, key);
  return v;
}

/** Teacher-forces the prompt, then samples n continuations, each from its own copy of the KV cache. */
function run(model: TestModel, prompt: string, s: Sampling, topLogprobs: number, rngSeed: number) {
  if (prompt.length === 0) throw new BadRequest("The prompt cannot be empty.", "prompt");
  const ctx = model.config.n_ctx;
  const scoredPrompt = scoreText(model, prompt, Math.max(topLogprobs, s.promptLogprobs ?? 0));
  const promptTokens = scoredPrompt.tokens.length;
  const room = ctx - promptTokens;
  const maxTokens = s.maxTokens ?? room;
  if (promptTokens + maxTokens > ctx) {
    throw new BadRequest(
      `This model's maximum context length is ${ctx} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the prompt, ${maxTokens} in the completion). Reduce the prompt or max_tokens.`,
      "max_tokens",
    );
  }
  const rng = createRng(rngSeed);
  const generations: Generation[] = [];
  for (let i = 0; i < s.n; i++) {
    if (maxTokens === 0) {
      generations.push({ tokens: [], text: "", finishReason: "length", stopReason: null });
      continue;
    }
    generations.push(generate(scoredPrompt.session.fork(), scoredPrompt.next!, room, { temperature: s.temperature, topP: s.topP, maxTokens, stop: s.stop, includeStop: s.includeStop, topLogprobs, rng }));
  }
  return { scoredPrompt, generations, promptTokens };
}

/** vLLM's prompt_logprobs: null for the first token, then {token id: {logprob, rank, decoded_token}} with the prompt token and the top k. */
function promptLogprobsOf(tokens: ScoredToken[], k: number) {
  return tokens.map((t) => {
    if (t.logprob === null) return null;
    const entry: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
    entry[String(t.id)] = { logprob: t.logprob, rank: t.rank ?? 1, decoded_token: t.text };
    t.top.slice(0, k).forEach((alt, r) => {
      entry[String(alt.id)] ??= { logprob: alt.logprob, rank: r + 1, decoded_token: VOCAB[alt.id] };
    });
    return entry;
  });
}

function completions(b: Record<string, unknown>, model: TestModel) {
  const prompts = promptsOf(b.prompt);
  const echo = b.echo === true;
  const s = sampling(b, 16, echo);
  const logprobs = b.logprobs === undefined || b.logprobs === null ? undefined : intParam(b, "logprobs", 0, 0, MAX_LOGPROBS);
  const choices: unknown[] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  prompts.forEach((prompt, p) => {
    const r = run(model, prompt, s, logprobs ?? 0, s.seed + p);
    promptTokens += r.promptTokens;
    r.generations.forEach((g, i) => {
      completionTokens += g.tokens.length;
      choices.push({
        index: p * s.n + i,
        text: (echo ? prompt : "") + g.text,
        logprobs: logprobs === undefined ? null : legacyLogprobs(echo ? r.scoredPrompt.tokens : [], g.tokens, logprobs),
        finish_reason: g.finishReason,
        stop_reason: g.stopReason,
        prompt_logprobs: s.promptLogprobs === undefined ? null : promptLogprobsOf(r.scoredPrompt.tokens, s.promptLogprobs),
      });
    });
  });
  return {
    id: `cmpl-${Date.now().toString(36)}`,
    object: "text_completion",
    created: Math.floor(Date.now() / 1000),
    model: TEST_MODEL_NAME,
    choices,
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

function promptsOf(prompt: unknown): string[] {
  const tokenIds = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every((t) => Number.isInteger(t) && t >= 0 && t < VOCAB.length);
  if (typeof prompt === "string") return [prompt];
  if (tokenIds(prompt)) return [(prompt as number[]).map((t) => VOCAB[t]).join("")];
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((p) => typeof p === "string" || tokenIds(p))) {
    return prompt.map((p) => (typeof p === "string" ? p : (p as number[]).map((t) => VOCAB[t]).join("")));
  }
  throw new BadRequest("prompt must be a string, a list of strings, or token ids", "prompt");
}

/** The legacy completions shape; text_offset counts characters from the start of the returned text. */
function legacyLogprobs(promptTokens: ScoredToken[], generated: ScoredToken[], k: number) {
  const all = [...promptTokens, ...generated];
  const out = { tokens: [] as string[], token_logprobs: [] as Array<number | null>, top_logprobs: [] as Array<Record<string, number> | null>, text_offset: [] as number[] };
  let offset = 0;
  for (const t of all) {
    out.tokens.push(t.id > 1 ? t.text : VOCAB[t.id]);
    out.token_logprobs.push(t.logprob);
    out.top_logprobs.push(t.logprob === null ? null : Object.fromEntries([[VOCAB[t.id], t.logprob], ...t.top.slice(0, k).map((a) => [VOCAB[a.id], a.logprob] as const)]));
    out.text_offset.push(offset);
    // An unknown prompt character keeps its own text; the end-of-text token has none. Offsets
    // count Unicode code points, as vLLM's (Python's) do, not UTF-16 units.
    offset += codePoints(t.text);
  }
  return out;
}

interface Message {
  role: string;
  content: string;
}

/**
 * The chat template: each message's content, user and system messages ending in "\n"; an
 * assistant message before the last one ends in "\n" too. With continue_final_message the last
 * (assistant) message is left open so the model continues it.
 */
export function applyChatTemplate(messages: Message[], continueFinal: boolean): string {
  return messages
    .map((m, i) => {
      const last = i === messages.length - 1;
      if (last && continueFinal) return m.content;
      return m.content.endsWith("\n") ? m.content : `${m.content}\n`;
    })
    .join("");
}

function messagesOf(b: Record<string, unknown>): Message[] {
  const ms = b.messages;
  if (!Array.isArray(ms) || ms.length === 0) throw new BadRequest("messages must be a non-empty list", "messages");
  return ms.map((m, i) => {
    if (!m || typeof m !== "object") throw new BadRequest(`messages[${i}] must be an object`, "messages");
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== "string" || !["system", "user", "assistant"].includes(role)) throw new BadRequest(`messages[${i}].role must be system, user or assistant`, "messages");
    let text: string;
    if (typeof content === "string") text = content;
    else if (Array.isArray(content) && content.every((p) => p && typeof p === "object" && (p as { type?: unknown }).type === "text" && typeof (p as { text?: unknown }).text === "string")) {
      text = content.map((p) => (p as { text: string }).text).join("");
    } else throw new BadRequest(`messages[${i}].content must be a string or a list of text parts`, "messages");
    return { role, content: text };
  });
}

function chatCompletions(b: Record<string, unknown>, model: TestModel) {
  const messages = messagesOf(b);
  const continueFinal = b.continue_final_message === true;
  const addGenerationPrompt = b.add_generation_prompt === undefined ? !continueFinal : b.add_generation_prompt === true;
  if (continueFinal && addGenerationPrompt) throw new BadRequest("Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "continue_final_message");
  if (continueFinal && messages[messages.length - 1].role !== "assistant") throw new BadRequest("continue_final_message needs the last message to be from the assistant", "continue_final_message");
  const s = sampling(b, undefined, false);
  if (b.logprobs !== undefined && b.logprobs !== null && typeof b.logprobs !== "boolean") throw new BadRequest("logprobs must be a boolean", "logprobs");
  const wantLogprobs = b.logprobs === true;
  const top = b.top_logprobs === undefined || b.top_logprobs === null ? 0 : intParam(b, "top_logprobs", 0, 0, MAX_LOGPROBS);
  if (top > 0 && !wantLogprobs) throw new BadRequest("when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
  const prompt = applyChatTemplate(messages, continueFinal);
  const r = run(model, prompt, s, top, s.seed);
  const completionTokens = r.generations.reduce((a, g) => a + g.tokens.length, 0);
  return {
    id: `chatcmpl-${Date.now().toString(36)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: TEST_MODEL_NAME,
    choices: r.generations.map((g, i) => ({
      index: i,
      message: { role: "assistant", content: g.text },
      logprobs: wantLogprobs ? { content: g.tokens.map((t) => chatToken(t, top)) } : null,
      finish_reason: g.finishReason,
      stop_reason: g.stopReason,
    })),
    prompt_logprobs: s.promptLogprobs === undefined ? null : promptLogprobsOf(r.scoredPrompt.tokens, s.promptLogprobs),
    usage: { prompt_tokens: r.promptTokens, completion_tokens: completionTokens, total_tokens: r.promptTokens + completionTokens },
  };
}

function chatToken(t: ScoredToken, k: number) {
  const token = VOCAB[t.id];
  return {
    token,
    logprob: t.logprob,
    bytes: [...Buffer.from(token)],
    top_logprobs: t.top.slice(0, k).map((a) => ({ token: VOCAB[a.id], logprob: a.logprob, bytes: [...Buffer.from(VOCAB[a.id])] })),
  };
}

/**
 * vLLM-style pooling for a process reward model: one input is a problem line plus a solution
 * ("Q: 41+27\nStep 1: ...\nAnswer: 68"), or chat messages (user: problem, assistant: solution).
 * Each input's data holds one [P(wrong), P(right)] row per step, from the rule step checker.
 */
function pooling(b: Record<string, unknown>) {
  let inputs: string[];
  if (b.messages !== undefined) inputs = [applyChatTemplate(messagesOf(b), false)];
  else if (typeof b.input === "string") inputs = [b.input];
  else if (Array.isArray(b.input) && b.input.length > 0 && b.input.every((x) => typeof x === "string")) inputs = b.input as string[];
  else throw new BadRequest("input must be a string or a non-empty list of strings (or give messages)", "input");
  let tokens = 0;
  const data = inputs.map((text, index) => {
    const nl = text.indexOf("\n");
    if (nl < 0) throw new BadRequest(`input ${index} has no problem line: expected "Q: <expression>\\n" then the steps`, "input");
    let verdict;
    try {
      verdict = checkSteps(text.slice(0, nl), text.slice(nl + 1));
    } catch (err) {
      throw new BadRequest(`input ${index}: ${(err as Error).message}`, "input");
    }
    tokens += encode(text).ids.length;
    if (text.includes(STEP_TAG)) return { index, object: "pooling", data: tagRows(text.slice(0, nl), text.slice(nl + 1)) };
    return { index, object: "pooling", data: verdict.steps.map((st) => (st.correct ? [0, 1] : [1, 0])) };
  });
  return {
    id: `pool-${Date.now().toString(36)}`,
    object: "list",
    created: Math.floor(Date.now() / 1000),
    model: TEST_MODEL_NAME,
    data,
    usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
  };
}

/** Qwen2.5-Math-PRM's step separator: with it in the input, /pooling gives one row per separator, as vLLM's step pooler does. */
export const STEP_TAG = "<extra_0>";

/**
 * One [P(wrong), P(right)] row per step tag: a piece's step lines are right when checkSteps says
 * so, an "Answer:" piece when the answer is; a piece with no step line and no answer is wrong.
 */
function tagRows(problem: string, solution: string): number[][] {
  const pieces = solution.split(STEP_TAG);
  pieces.pop(); // the text after the last tag is not a step
  const verdict = checkSteps(problem, pieces.join("\n"));
  let next = 0;
  return pieces.map((piece) => {
    let right = false;
    let seen = false;
    for (const line of piece.split("\n")) {
      if (line.trim() === "") continue;
      if (/^Answer: /.test(line)) {
        seen = true;
        right = verdict.correct;
        break;
      }
      const v = verdict.steps[next++];
      right = (seen ? right : true) && v !== undefined && v.correct;
      seen = true;
    }
    return seen && right ? [0, 1] : [1, 0];
  });
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The test reward model: a raw score (a logit) for a text "Q: <problem>\n<solution>": +2 for a
 * right answer, -2 for a wrong or missing one, plus the share of right steps minus 0.5. A text
 * that is not an arithmetic problem scores -3. Deterministic, so tests know the number.
 */
export function rmScore(text: string): number {
  const nl = text.indexOf("\n");
  if (nl < 0) return -3;
  let verdict;
  try {
    verdict = checkSteps(text.slice(0, nl), text.slice(nl + 1));
  } catch {
    return -3;
  }
  const share = verdict.steps.length === 0 ? 0 : verdict.steps.filter((st) => st.correct).length / verdict.steps.length;
  return (verdict.correct ? 2 : -2) + share - 0.5;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const RM_LABELS = ["bad", "good"];
/** The two-class view of the reward model: logits [-s/2, s/2], probabilities their softmax. */
function rmClasses(text: string, raw: boolean): number[] {
  const s = rmScore(text);
  return raw ? [-s / 2, s / 2] : [1 - sigmoid(s), sigmoid(s)];
}

function stringList(v: unknown, param: string): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v as string[];
  throw new BadRequest(`${param} must be a string or a non-empty list of strings`, param);
}

function usageOf(texts: string[]) {
  const tokens = texts.reduce((a, t) => a + encode(t).ids.length, 0);
  return { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0, prompt_tokens_details: null };
}

/** vLLM's Score API (cross-encoder shape): text_1 against text_2, 1:1, 1:N or N:N; score = sigmoid of the raw score. */
function vllmScore(b: Record<string, unknown>) {
  const a = stringList(b.text_1, "text_1");
  const c = stringList(b.text_2, "text_2");
  if (a.length !== 1 && a.length !== c.length) throw new BadRequest(`text_1 has ${a.length} items and text_2 ${c.length}: give one text_1 or as many as text_2`, "text_1");
  const pairs = c.map((t2, i) => (a.length === 1 ? a[0] : a[i]) + t2);
  return {
    id: `score-${Date.now().toString(36)}`,
    object: "list",
    created: Math.floor(Date.now() / 1000),
    model: TEST_MODEL_NAME,
    data: pairs.map((t, index) => ({ index, object: "score", score: sigmoid(rmScore(t)) })),
    usage: usageOf(pairs),
  };
}

/** vLLM's (and SGLang's) Classification API: one {index, label, probs, num_classes} per input. */
function vllmClassify(b: Record<string, unknown>) {
  const inputs = b.messages !== undefined ? [applyChatTemplate(messagesOf(b), false)] : stringList(b.input, "input");
  return {
    id: `classify-${Date.now().toString(36)}`,
    object: "list",
    created: Math.floor(Date.now() / 1000),
    model: TEST_MODEL_NAME,
    data: inputs.map((t, index) => {
      const probs = rmClasses(t, false);
      return { index, label: RM_LABELS[probs[1] >= probs[0] ? 1 : 0], probs, num_classes: 2 };
    }),
    usage: usageOf(inputs),
  };
}

/** OpenRLHF's serve_rm: {query: [full texts], prompts?} -> {rewards, scores} (raw scores). */
function openrlhfReward(b: Record<string, unknown>) {
  const queries = stringList(b.query, "query");
  const rewards = queries.map(rmScore);
  return { rewards, scores: rewards, extra_logs: { dummy_scores: rewards } };
}

function teiSequence(x: unknown): string {
  if (typeof x === "string") return x;
  if (Array.isArray(x) && (x.length === 1 || x.length === 2) && x.every((s) => typeof s === "string")) return x.join("");
  throw new BadRequest("inputs: a string, a pair of strings [string, string] or a batch of mixed strings and pairs [[string], [string, string], ...]", "inputs");
}

/** TEI's /predict: a single input gives a list of {score, label} (best first), a batch a list of lists. */
function teiPredict(b: Record<string, unknown>) {
  const raw = b.raw_scores === true;
  const predict = (text: string) =>
    rmClasses(text, raw)
      .map((score, i) => ({ score, label: RM_LABELS[i] }))
      .sort((x, y) => y.score - x.score);
  const inputs = b.inputs;
  if (typeof inputs === "string") return predict(inputs);
  if (!Array.isArray(inputs) || inputs.length === 0) throw new BadRequest("inputs must not be empty", "inputs");
  if (inputs.every((x) => typeof x === "string") && inputs.length <= 2) return predict(teiSequence(inputs));
  return inputs.map((x) => predict(teiSequence(x)));
}

/** TEI's /rerank: {query, texts} -> [{index, score, text?}] sorted by score, best first. */
function teiRerank(b: Record<string, unknown>) {
  if (typeof b.query !== "string") throw new BadRequest("query must be a string", "query");
  const query = b.query;
  const texts = stringList(b.texts, "texts");
  const raw = b.raw_scores === true;
  return texts
    .map((t, index) => ({ index, score: raw ? rmScore(query + t) : sigmoid(rmScore(query + t)), ...(b.return_text === true ? { text: t } : {}) }))
    .sort((x, y) => y.score - x.score);
}

/**
 * SGLang's native /generate: `text` (string or list), `sampling_params` (max_new_tokens,
 * temperature, top_p, stop), `return_logprob`, `logprob_start_len` (first input position with a
 * logprob; -1 or absent: none of the input), `top_logprobs_num`, `return_text_in_logprobs`.
 * Logprob entries are [logprob, token_id, text-or-null]; a list input gives a list of outputs.
 */
function sglangGenerate(b: Record<string, unknown>, model: TestModel) {
  const texts = stringList(b.text, "text");
  const sp = (b.sampling_params ?? {}) as Record<string, unknown>;
  if (typeof sp !== "object" || Array.isArray(sp)) throw new BadRequest("sampling_params must be an object", "sampling_params");
  const s = sampling({ ...sp, max_tokens: sp.max_new_tokens ?? 128 }, 128, true);
  s.n = 1;
  const wantLogprob = b.return_logprob === true;
  const top = b.top_logprobs_num === undefined || b.top_logprobs_num === null ? 0 : intParam(b, "top_logprobs_num", 0, 0, MAX_LOGPROBS);
  const start = b.logprob_start_len === undefined || b.logprob_start_len === null ? -1 : intParam(b, "logprob_start_len", -1, -1, Number.MAX_SAFE_INTEGER);
  const withText = b.return_text_in_logprobs === true;
  const entry = (t: ScoredToken) => [t.logprob, t.id, withText ? t.text : null];
  const outputs = texts.map((text, p) => {
    const r = run(model, text, s, top, s.seed + p);
    const g = r.generations[0];
    const input = start < 0 ? [] : r.scoredPrompt.tokens.slice(start);
    const meta: Record<string, unknown> = {
      id: `gen-${Date.now().toString(36)}-${p}`,
      prompt_tokens: r.promptTokens,
      completion_tokens: g.tokens.length,
      cached_tokens: 0,
      finish_reason: g.finishReason === "stop" ? { type: "stop", matched: g.stopReason } : { type: "length", length: g.tokens.length },
    };
    if (wantLogprob) {
      meta.input_token_logprobs = input.map(entry);
      meta.output_token_logprobs = g.tokens.map(entry);
      if (top > 0) {
        const tops = (t: ScoredToken) => (t.logprob === null ? null : t.top.slice(0, top).map((a) => [a.logprob, a.id, withText ? VOCAB[a.id] : null]));
        meta.input_top_logprobs = input.map(tops);
        meta.output_top_logprobs = g.tokens.map(tops);
      }
    }
    return { text: g.text, meta_info: meta };
  });
  return Array.isArray(b.text) ? outputs : outputs[0];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, param: string | null): void {
  if (res.headersSent) return void res.end();
  const type = status === 404 ? "NotFoundError" : status >= 500 ? "InternalServerError" : "BadRequestError";
  send(res, status, { error: { message, type, param, code: status } });
}
