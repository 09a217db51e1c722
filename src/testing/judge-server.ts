import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./read-body.ts";

/**
 * A local OpenAI-compatible chat-completions server for tests and benchmarks: real HTTP on
 * 127.0.0.1, `/v1/chat/completions` with `response_format: {type: "json_schema"}` (the reply is the
 * verdict object as JSON) or without it (the verdict written as prose, as a model without
 * structured output would), `logprobs`/`top_logprobs`, `usage`, and scripted faults.
 */

/** What the fake model decided: an object with the verdict key (`score`, `winner`, `equivalent`, `satisfied`) and a `reason`. */
export type FakeVerdict = Record<string, unknown>;

export interface FakeRequest {
  body: ChatBody;
  /** The last user message. */
  user: string;
  /** The verdict key the request asks for (from the JSON schema, else from the prompt text). */
  key: "score" | "winner" | "equivalent" | "satisfied" | undefined;
  /** The score range when the request has a JSON schema with minimum/maximum, else 1–10. */
  scale: { min: number; max: number };
}

export interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name?: string; schema?: JsonSchema } };
  logprobs?: boolean;
  top_logprobs?: number;
  [k: string]: unknown;
}

interface JsonSchema {
  properties?: Record<string, { type?: string; minimum?: number; maximum?: number; enum?: unknown[] }>;
  required?: string[];
}

export type Fault =
  | { status: number; retryAfter?: number; message?: string }
  | { delayMs: number }
  | { malformed: true }
  | { text: string; finishReason?: string };

export interface FakeServerOptions {
  /** The fake model. Default: a gullible, position-biased judge (top score, yes, winner A). */
  judge?: (req: FakeRequest) => FakeVerdict;
  /** Probabilities of the alternatives at the score token (logprobs requests), e.g. {"7": 0.6, "8": 0.4}. */
  scoreDistribution?: (req: FakeRequest, verdict: FakeVerdict) => Record<string, number> | undefined;
  /** Added to every reply. */
  latencyMs?: number;
  /** Answer 400 to requests carrying `response_format` (a server without structured output). */
  rejectResponseFormat?: boolean;
  /** Require `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface FakeJudgeServer {
  /** The API root to put in a spec's base_url, e.g. http://127.0.0.1:41234/v1. */
  url: string;
  /** Every request body received, in arrival order. */
  requests: ChatBody[];
  /** Most requests in flight at the same time. */
  maxInFlight: number;
  /** Answer the next requests with these faults, one each, in order. */
  fail(...faults: Fault[]): void;
  /** Answer every request with this fault until called again with undefined. */
  failAll(fault: Fault | undefined): void;
  close(): Promise<void>;
}

/** The gullible default: gives the best verdict to anything, and prefers whatever is shown first. */
export function gullibleJudge(req: FakeRequest): FakeVerdict {
  switch (req.key) {
    case "score":
      return { reason: "Looks good.", score: req.scale.max };
    case "winner":
      return { reason: "A is better.", winner: "A" };
    case "equivalent":
      return { reason: "Same answer.", equivalent: true };
    default:
      return { reason: "Satisfied.", satisfied: true };
  }
}

/** The text of a `[Name]` … `[End of Name]` section of a judge prompt, or undefined. */
export function section(text: string, name: string): string | undefined {
  const start = text.indexOf(`[${name}]\n`);
  if (start < 0) return undefined;
  const from = start + name.length + 3;
  const end = text.indexOf(`\n[End of ${name}]`, from);
  return end < 0 ? undefined : text.slice(from, end);
}

export async function startFakeJudgeServer(options: FakeServerOptions = {}): Promise<FakeJudgeServer> {
  const judge = options.judge ?? gullibleJudge;
  const queue: Fault[] = [];
  let always: Fault | undefined;
  let inFlight = 0;
  let served = 0;
  const state = {
    url: "",
    requests: [] as ChatBody[],
    maxInFlight: 0,
    fail: (...faults: Fault[]) => void queue.push(...faults),
    failAll: (fault: Fault | undefined) => void (always = fault),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") return sendError(res, 404, `no route ${req.method} ${req.url}`);
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return sendError(res, 401, "invalid api key");
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      return sendError(res, 400, "request body is not JSON");
    }
    if (typeof body.model !== "string" || !Array.isArray(body.messages)) return sendError(res, 400, "model and messages are required");
    state.requests.push(body);
    const fault = queue.shift() ?? always;
    if (options.latencyMs) await delay(options.latencyMs);
    if (fault && "delayMs" in fault) await delay(fault.delayMs);
    if (fault && "status" in fault) {
      if (fault.retryAfter !== undefined) res.setHeader("retry-after", String(fault.retryAfter));
      return sendError(res, fault.status, fault.message ?? (fault.status === 429 ? "rate limit reached" : "internal server error"));
    }
    if (fault && "malformed" in fault) {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"id": "chatcmpl-broken", "choices": [{"message": ');
    }
    if (options.rejectResponseFormat && body.response_format) return sendError(res, 400, "response_format json_schema is not supported by this server");
    const fake = describeRequest(body);
    let content: string;
    let verdict: FakeVerdict | undefined;
    if (fault && "text" in fault) content = fault.text;
    else {
      verdict = judge(fake);
      content = body.response_format?.type === "json_schema" ? JSON.stringify(conform(verdict, body.response_format.json_schema?.schema)) : prose(verdict);
    }
    served++;
    const tokens = tokenize(content);
    const completion = {
      id: `chatcmpl-fake-${served}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content },
          logprobs: body.logprobs ? { content: logprobs(tokens, body.top_logprobs ?? 0, verdict && options.scoreDistribution?.(fake, verdict)) } : null,
          finish_reason: fault && "text" in fault ? (fault.finishReason ?? "stop") : "stop",
        },
      ],
      usage: { prompt_tokens: countWords(body.messages), completion_tokens: tokens.length, total_tokens: countWords(body.messages) + tokens.length },
    };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(completion));
  };

  const server = createServer((req, res) => {
    inFlight++;
    if (inFlight > state.maxInFlight) state.maxInFlight = inFlight;
    res.on("close", () => inFlight--);
    handle(req, res).catch((err) => sendError(res, 500, `fake server failure: ${(err as Error).message}`));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  // Lets a test process exit even when a client still holds a keep-alive socket.
  server.unref();
  return state;
}

function describeRequest(body: ChatBody): FakeRequest {
  const last = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  // A multi-part message (text + image_url parts, for VLM judges): its text parts.
  const user = Array.isArray(last) ? (last as Array<{ type?: string; text?: string }>).map((p) => (p?.type === "text" ? (p.text ?? "") : "")).join("") : last;
  const schema = body.response_format?.json_schema?.schema;
  const keys = ["score", "winner", "equivalent", "satisfied"] as const;
  let key = keys.find((k) => schema?.properties?.[k]);
  key ??= keys.find((k) => user.includes(`"${k}"`));
  const s = schema?.properties?.score;
  const scale = s && typeof s.minimum === "number" && typeof s.maximum === "number" ? { min: s.minimum, max: s.maximum } : { min: 1, max: 10 };
  return { body, user, key, scale };
}

/** Structured output guarantees the schema: a fake verdict that breaks it is a bug in the test. */
function conform(verdict: FakeVerdict, schema: JsonSchema | undefined): FakeVerdict {
  for (const key of schema?.required ?? []) {
    if (!(key in verdict)) throw new Error(`the fake verdict lacks "${key}" required by the JSON schema`);
    const p = schema?.properties?.[key];
    const v = verdict[key];
    if (p?.enum && !p.enum.includes(v)) throw new Error(`the fake verdict's ${key} ${JSON.stringify(v)} is not in the schema's enum`);
    if (p?.type === "integer" && !Number.isInteger(v)) throw new Error(`the fake verdict's ${key} must be an integer`);
  }
  return verdict;
}

/** The verdict as a model without structured output writes it. */
function prose(verdict: FakeVerdict): string {
  const reason = String(verdict.reason ?? "");
  if ("score" in verdict) return `${reason}\n\nScore: ${verdict.score}`;
  if ("winner" in verdict) return `${reason}\n\n[[${verdict.winner === "tie" ? "C" : verdict.winner}]]`;
  const yes = (verdict.equivalent ?? verdict.satisfied) === true;
  return `${reason}\n\nVerdict: ${yes ? "yes" : "no"}`;
}

/** A stand-in tokenizer: numbers, words, runs of spaces, single other characters. */
function tokenize(text: string): string[] {
  return text.match(/\d+|[A-Za-z]+|\s+|[^\sA-Za-z\d]/g) ?? [];
}

function logprobs(tokens: string[], top: number, scoreDistribution: Record<string, number> | undefined) {
  let scoreMarked = false;
  let seenScoreKey = false;
  return tokens.map((token) => {
    if (/^(score|Score)$/.test(token)) seenScoreKey = true;
    if (scoreDistribution && seenScoreKey && !scoreMarked && /^\d+$/.test(token)) {
      scoreMarked = true;
      const alternatives = Object.entries(scoreDistribution)
        .sort((a, b) => b[1] - a[1])
        .map(([t, p]) => ({ token: t, logprob: Math.log(p), bytes: [...Buffer.from(t)] }));
      const own = alternatives.find((a) => a.token === token)?.logprob ?? Math.log(1e-6);
      return { token, logprob: own, bytes: [...Buffer.from(token)], top_logprobs: alternatives.slice(0, Math.max(top, 1)) };
    }
    return { token, logprob: 0, bytes: [...Buffer.from(token)], top_logprobs: top > 0 ? [{ token, logprob: 0, bytes: [...Buffer.from(token)] }] : [] };
  });
}

function countWords(messages: ChatBody["messages"]): number {
  let n = 0;
  for (const m of messages) n += (typeof m.content === "string" ? m.content.match(/\S+/g)?.length : 0) ?? 0;
  return n;
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message, type: status === 429 ? "rate_limit_error" : "invalid_request_error", code: status } }));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
