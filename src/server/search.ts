import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Scorer } from "../pipeline/scorer.ts";
import { Scorer as CompiledScorer } from "../pipeline/scorer.ts";
import type { Spec } from "../spec/spec.ts";
import { type GeneratorConfig, OpenAIGenerator } from "../search/generator.ts";
import { STEP_AGGREGATIONS } from "../search/scorers.ts";
import { Searcher, STRATEGY_NAMES, type SearchRecord, type StrategyName } from "../search/search.ts";
import { toProblem } from "../search/stream.ts";
import type { Problem } from "../search/run.ts";
import { RequestError } from "./requests.ts";
import type { ScoringService } from "./scoring.ts";

/** What `serve --generator` adds: the generator every search samples from, and an optional step spec. */
export interface SearchSetup {
  generator: GeneratorConfig;
  stepSpec?: Spec;
}

const count = z.number().int().positive();
const requestSchema = z.strictObject({
  problems: z.array(z.unknown()).min(1).optional(),
  prompt: z.unknown().optional(),
  reference: z.unknown().optional(),
  id: z.union([z.string(), z.number()]).optional(),
  strategy: z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]]),
  n: count.optional(),
  k: count.optional(),
  lookahead: z.number().int().min(0).optional(),
  budget: z.strictObject({ samples: count.optional(), tokens: count.optional(), calls: count.optional() }).optional(),
  select: z.enum(["step", "outcome"]).optional(),
  aggregate: z.enum(STEP_AGGREGATIONS).optional(),
  step_strip: z.string().min(1).optional(),
  answer: z.union([z.enum(["math", "exact", "normalized"]), z.strictObject({ regex: z.string().min(1) })]).optional(),
  delimiter: z.string().min(1).optional(),
  max_steps: count.optional(),
  temperature: z.number().min(0).max(5).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: count.optional(),
  step_max_tokens: count.optional(),
  seed: z.number().int().min(0).optional(),
  resample: z.enum(["every", "ess"]).optional(),
  ess_threshold: z.number().min(0).max(1).optional(),
  potential_temperature: z.number().positive().optional(),
  final: z.enum(["weight", "outcome"]).optional(),
  trace: z.boolean().optional(),
});

export interface SearchRouteContext {
  service: ScoringService;
  routeOptions: object;
  overloaded: (reply: FastifyReply) => FastifyReply;
  deadlineOf: (reply: FastifyReply) => number;
  maxProblems: number;
}

/**
 * `POST /v1/search`: one search per problem with the server's spec as the outcome reward, under
 * the same auth, admission (429 when full), per-request deadline and cancellation as /v1/score.
 */
export function registerSearchRoute(app: FastifyInstance, scorer: Scorer, setup: SearchSetup | undefined, ctx: SearchRouteContext): void {
  const generator = setup ? new OpenAIGenerator(setup.generator) : undefined;
  const stepScorer = setup?.stepSpec ? new CompiledScorer(setup.stepSpec) : undefined;
  if (stepScorer) app.addHook("onClose", async () => stepScorer.close());

  app.post("/v1/search", ctx.routeOptions, async (request: FastifyRequest, reply: FastifyReply) => {
    if (!generator) throw new RequestError(404, "this server has no generator: start it with rewardsmith serve --generator <url | file> to serve /v1/search");
    const parsed = requestSchema.safeParse(request.body);
    if (!parsed.success) throw new RequestError(400, parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
    const body = parsed.data;
    const raws = body.problems ?? (body.prompt !== undefined ? [{ id: body.id, prompt: body.prompt, reference: body.reference }] : undefined);
    if (!raws) throw new RequestError(400, 'send "problems": [{"prompt": ...}, ...] or one "prompt"');
    if (raws.length > ctx.maxProblems) throw new RequestError(413, `problems: ${raws.length} is more than this server accepts per request (${ctx.maxProblems}, --max-records)`);
    const problems: Problem[] = [];
    const bad: string[] = [];
    raws.forEach((raw, i) => {
      const p = toProblem(raw);
      if (typeof p === "string") bad.push(`problems[${i}]: ${p}`);
      else problems.push(p);
    });
    if (bad.length > 0) throw new RequestError(400, bad.slice(0, 10).join("; "));
    let searcher: Searcher;
    try {
      searcher = new Searcher({
        strategy: body.strategy,
        generator,
        n: body.n,
        k: body.k,
        lookahead: body.lookahead,
        spec: scorer,
        stepSpec: stepScorer,
        aggregate: body.aggregate,
        stepStrip: body.step_strip === undefined ? undefined : new RegExp(body.step_strip),
        select: body.select,
        answer: body.answer,
        budget: body.budget,
        sampling: { temperature: body.temperature, topP: body.top_p, maxTokens: body.max_tokens, stepMaxTokens: body.step_max_tokens },
        delimiter: body.delimiter,
        maxSteps: body.max_steps,
        resample: body.resample,
        essThreshold: body.ess_threshold,
        potentialTemperature: body.potential_temperature,
        final: body.final,
        seed: body.seed ?? setup!.generator.seed,
        tree: body.trace === true,
      });
    } catch (err) {
      throw new RequestError(400, (err as Error).message);
    }
    const ticket = ctx.service.admit();
    if (!ticket) return ctx.overloaded(reply);
    const abort = new AbortController();
    const deadline = ctx.deadlineOf(reply);
    const timer = setTimeout(() => abort.abort(new Error(`not finished within the server's per-request timeout`)), Math.max(0, deadline - performance.now()));
    const gone = () => {
      if (!reply.raw.writableEnded) abort.abort(new Error("the client closed the connection"));
    };
    reply.raw.on("close", gone);
    try {
      // A request still queued at its deadline (or whose client left) is answered with error records.
      if (!ticket.granted) await Promise.race([ticket.slot, new Promise((resolve) => abort.signal.addEventListener("abort", resolve, { once: true }))]);
      const results = new Array<SearchRecord>(problems.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < problems.length; i = next++) results[i] = await searcher.run(problems[i], i, abort.signal);
      };
      await Promise.all(Array.from({ length: Math.min(4, problems.length) }, worker));
      return { results };
    } finally {
      clearTimeout(timer);
      reply.raw.off("close", gone);
      ticket.release();
      await searcher.close();
    }
  });
}
