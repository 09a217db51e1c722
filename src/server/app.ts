import { PassThrough } from "node:stream";
import Fastify, { type FastifyError, LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { OutputRecord, Sample } from "../core/types.ts";
import type { Scorer } from "../pipeline/scorer.ts";
import { bearerChecker } from "./auth.ts";
import { workerMetrics } from "./cluster.ts";
import { ServerMetrics } from "./metrics.ts";
import { NOT_PREFIX_REASON, openrlhfResponse, openrlhfSamples } from "./openrlhf.ts";
import type { ServerOptions } from "./options.ts";
import { getRewardRequest, RequestError, scoreRequestSamples } from "./requests.ts";
import { ScoringService } from "./scoring.ts";
import { registerSearchRoute, type SearchSetup } from "./search.ts";

export interface AppExtras {
  /** Worker processes serving the same port (reported by /ready). */
  workers?: number;
  /** This process is a node:cluster worker: /metrics asks the primary for all workers' metrics. */
  clusterWorker?: boolean;
  /** The generator (and step spec) behind POST /v1/search; without it that route answers 404. */
  search?: SearchSetup;
}

export interface RewardApp {
  app: FastifyInstance;
  service: ScoringService;
  metrics: ServerMetrics;
  /** From now on /ready answers 503 (a load balancer stops sending new work); requests are still served. */
  drain(): void;
}

const NDJSON = "application/x-ndjson";

/** The HTTP app around a Scorer: routes, auth, limits, errors and metrics. Does not listen. */
export function buildApp(scorer: Scorer, options: ServerOptions, extras: AppExtras = {}): RewardApp {
  const app = Fastify({
    logger: { level: options.logLevel },
    // Per-request log lines would cost more than scoring a cheap reward; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    requestTimeout: options.timeoutMs,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });
  // Fastify reads text/plain bodies as a string: a JSON body sent with that type would be refused as "found string".
  app.removeContentTypeParser("text/plain");
  const service = new ScoringService(scorer, options);
  const metrics = new ServerMetrics(service.admission);
  const metricsText = extras.clusterWorker ? workerMetrics(metrics.registry) : () => metrics.registry.metrics();
  const rewardNames = scorer.spec.rewards.map((r) => r.name);
  const nullReward = scorer.spec.nullReward ?? 0;
  const authorized = options.token ? bearerChecker(options.token) : undefined;

  // While shutting down, answer in-flight requests with "Connection: close" so their keep-alive
  // connections end with the response instead of holding the shutdown open.
  let closing = false;
  let draining = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("onResponse", (request, reply, done) => {
    metrics.request(request.routeOptions.url ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.setErrorHandler((err: FastifyError | RequestError, request, reply) => {
    const { status, message } = describeError(err, options);
    if (status >= 500) request.log.error({ err }, "request failed");
    else request.log.debug({ status, code: (err as FastifyError).code }, "request refused");
    return reply.code(status).send(errorBody(status, message));
  });
  // Route options for the scoring endpoints: a token check before the body is read, when auth is on.
  const scoring = authorized
    ? {
        onRequest(request: FastifyRequest, reply: FastifyReply, done: () => void) {
          if (authorized(request.headers.authorization)) return done();
          reply
            .code(401)
            .header("www-authenticate", 'Bearer realm="rewardsmith"')
            .send(errorBody(401, "missing or wrong bearer token: send the header Authorization: Bearer <token>"));
        },
      }
    : {};
  const overloaded = (reply: FastifyReply) =>
    reply
      .code(429)
      .header("retry-after", "1")
      .send(errorBody(429, `the server is at capacity (${options.concurrency} requests scoring, ${options.maxQueue} queued); retry after 1 s`));
  const deadlineOf = (reply: FastifyReply) => performance.now() - reply.elapsedTime + options.timeoutMs;

  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
    if (draining || closing) return reply.code(503).send({ status: "draining", rewards: rewardNames, workers: extras.workers ?? 1 });
    return { status: "ready", rewards: rewardNames, null_reward: nullReward, workers: extras.workers ?? 1 };
  });
  app.get("/metrics", async (_request, reply) => reply.type(metrics.registry.contentType).send(await metricsText()));

  app.post("/v1/score", scoring, async (request, reply) => {
    const samples = scoreRequestSamples(request.body, scorer.mapRecord, options.maxRecords);
    const ticket = service.admit();
    if (!ticket) return overloaded(reply);
    const deadline = deadlineOf(reply);
    const abandoned = () => reply.raw.destroyed;
    const raws = (request.body as { records: unknown[] }).records;
    // Group advantages need the whole request, so a normalizing spec streams only once every record is scored.
    if ((request.headers.accept ?? "").includes(NDJSON) && !scorer.spec.normalize) {
      const stream = new PassThrough();
      const logged = options.logRecords ? new Array<OutputRecord>(samples.length) : undefined;
      void service
        .run(ticket, samples, deadline, (offset, records) => {
          metrics.results("/v1/score", records);
          let text = "";
          for (let k = 0; k < records.length; k++) text += JSON.stringify({ index: offset + k, ...records[k] }) + "\n";
          stream.write(text);
          if (logged) for (let k = 0; k < records.length; k++) logged[offset + k] = records[k];
        }, abandoned)
        .finally(() => {
          if (logged) request.log.info({ records: raws, results: logged }, "scored");
          stream.end();
        });
      return reply.type(NDJSON).send(stream);
    }
    const results = new Array<OutputRecord>(samples.length);
    await service.run(
      ticket,
      samples,
      deadline,
      (offset, records) => {
        metrics.results("/v1/score", records);
        for (let k = 0; k < records.length; k++) results[offset + k] = records[k];
      },
      abandoned,
    );
    scorer.normalizeRecords(raws, results);
    if (options.logRecords) request.log.info({ records: raws, results }, "scored");
    if ((request.headers.accept ?? "").includes(NDJSON)) {
      return reply.type(NDJSON).send(results.map((r, index) => JSON.stringify({ index, ...r }) + "\n").join(""));
    }
    return { results };
  });

  app.post("/get_reward", scoring, async (request, reply) => {
    const req = getRewardRequest(request.body, options.maxRecords);
    const ticket = service.admit();
    if (!ticket) return overloaded(reply);
    const { samples, notPrefix } = openrlhfSamples(req);
    const scorable: Sample[] = [];
    for (const s of samples) if (s !== undefined) scorable.push(s);
    const scored = new Array<OutputRecord>(scorable.length);
    await service.run(
      ticket,
      scorable,
      deadlineOf(reply),
      (offset, records) => {
        for (let k = 0; k < records.length; k++) scored[offset + k] = records[k];
      },
      () => reply.raw.destroyed,
    );
    const results = new Array<OutputRecord>(samples.length);
    for (let i = 0, next = 0; i < samples.length; i++) {
      results[i] = notPrefix[i] ? { id: i, reward: null, status: "unscorable", reason: NOT_PREFIX_REASON } : scored[next++];
    }
    // OpenRLHF computes its own advantages; the spec's shaping still defines the reward it gets.
    if (scorer.spec.normalize?.shaping.length) scorer.normalizeSamples(samples, results);
    metrics.results("/get_reward", results);
    const skipped = notPrefix.filter(Boolean).length;
    if (skipped > 0) request.log.warn({ queries: results.length, prompt_not_prefix: skipped }, "prompts that are not a prefix of their query were not scored");
    if (options.logRecords) request.log.info({ request: req, results }, "scored");
    return openrlhfResponse(results, notPrefix, rewardNames, nullReward);
  });

  registerSearchRoute(app, scorer, extras.search, { service, routeOptions: scoring, overloaded, deadlineOf, maxProblems: options.maxRecords });

  return {
    app,
    service,
    metrics,
    drain: () => {
      draining = true;
    },
  };
}

function errorBody(statusCode: number, message: string) {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? "Error", message };
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  408: "Request Timeout",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** A clear status and message for every way a request can fail before or while it is handled. */
function describeError(err: FastifyError | RequestError, options: ServerOptions): { status: number; message: string } {
  if (err instanceof RequestError) return { status: err.statusCode, message: err.message };
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, message: `the request body is larger than this server accepts (${options.bodyLimit} bytes, --body-limit); split the batch` };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, message: 'send the body as JSON with the header "Content-Type: application/json"' };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      // Fastify's parser reports prototype-poisoning keys with the same error as bad syntax.
      return { status: 400, message: 'the body is not valid JSON, or has a "__proto__" or "constructor.prototype" key (refused)' };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, message: "the body is empty; expected a JSON object" };
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return { status: 400, message: "the Content-Length header does not match the body" };
  }
  const status = err.statusCode ?? 500;
  if (status < 500) return { status, message: err.message };
  return { status: 500, message: "internal server error (see the server log)" };
}
