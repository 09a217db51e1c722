import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { bearerChecker } from "../core/auth.ts";
import { comparedRecords, compareRuns, listedRun, parseFilter, RunQuery, type RunStore } from "../store/index.ts";
import { uiAssets } from "./assets.ts";
import { pageHtml } from "./html.ts";

export interface ViewOptions {
  /** Bearer token for every route; undefined: no auth (bind to loopback then). */
  token?: string;
  logLevel?: string;
}

const COOKIE = "rewardsmith_token";

/**
 * The dashboard: a JSON API over the run store and the bundled UI that reads it. With a token, a
 * request needs `Authorization: Bearer <token>` or the cookie set by opening `/?token=<token>` once.
 */
export function buildViewApp(store: RunStore, options: ViewOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logLevel ? { level: options.logLevel } : false });
  const check = options.token ? bearerChecker(options.token) : undefined;
  const queries = new Map<number, RunQuery>();
  const queryOf = (id: number): RunQuery | undefined => {
    let q = queries.get(id);
    if (!q) {
      const run = store.run(id);
      if (!run) return undefined;
      q = new RunQuery(store, run);
      queries.set(id, q);
    }
    return q;
  };

  app.addHook("onRequest", async (req, reply) => {
    if (!check) return;
    const query = req.query as Record<string, string | undefined>;
    if (req.method === "GET" && req.url.split("?")[0] === "/" && query.token !== undefined && check(`Bearer ${query.token}`)) {
      return reply.header("set-cookie", `${COOKIE}=${encodeURIComponent(query.token)}; HttpOnly; SameSite=Strict; Path=/`).redirect("/");
    }
    if (check(req.headers.authorization) || check(`Bearer ${cookie(req, COOKIE) ?? ""}`)) return;
    return reply.code(401).header("www-authenticate", "Bearer").send({ error: "unauthorized: send Authorization: Bearer <token>, or open /?token=<token> once" });
  });

  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(pageHtml({ title: "rewardsmith view" })));
  app.get("/assets/app.js", async (_req, reply) => reply.type("text/javascript; charset=utf-8").send((await uiAssets()).js));
  app.get("/assets/app.css", async (_req, reply) => reply.type("text/css; charset=utf-8").send((await uiAssets()).css));

  app.get("/api/runs", async () => ({ runs: store.runs().map(listedRun) }));

  const withRun = (handler: (q: RunQuery, req: FastifyRequest, reply: FastifyReply) => unknown) => async (req: FastifyRequest, reply: FastifyReply) => {
    const id = Number((req.params as { id: string }).id);
    const q = Number.isInteger(id) ? queryOf(id) : undefined;
    if (!q) return reply.code(404).send({ error: `no run ${(req.params as { id: string }).id}` });
    return handler(q, req, reply);
  };
  app.get("/api/runs/:id", withRun((q) => q.stats()));
  app.get(
    "/api/runs/:id/records",
    withRun(async (q, req, reply) => {
      const parsed = parseFilter(req.query as Record<string, string | undefined>);
      if (typeof parsed === "string") return reply.code(400).send({ error: parsed });
      return q.records(parsed.filter, parsed.page);
    }),
  );
  app.get(
    "/api/runs/:id/records/:idx",
    withRun(async (q, req, reply) => {
      const idx = Number((req.params as { idx: string }).idx);
      const rec = Number.isInteger(idx) ? await q.record(idx) : undefined;
      if (!rec) return reply.code(404).send({ error: `run ${q.run.id} has no record ${(req.params as { idx: string }).idx}` });
      return rec;
    }),
  );
  const pair = (req: FastifyRequest) => {
    const { a, b } = req.params as { a: string; b: string };
    const ids = [Number(a), Number(b)];
    return ids.every((n) => Number.isInteger(n) && store.run(n)) ? ids : undefined;
  };
  const compared = new Map<string, ReturnType<typeof compareRuns>>();
  app.get("/api/compare/:a/:b", async (req, reply) => {
    const p = pair(req);
    if (!p) return reply.code(404).send({ error: "no such run" });
    const key = p.join(":");
    let c = compared.get(key);
    if (!c) compared.set(key, (c = compareRuns(store, p[0], p[1])));
    return c;
  });
  app.get("/api/compare/:a/:b/records", async (req, reply) => {
    const p = pair(req);
    if (!p) return reply.code(404).send({ error: "no such run" });
    const q = req.query as Record<string, string | undefined>;
    return comparedRecords(store, p[0], p[1], { different: q.different === "1" || q.different === "true", offset: Number(q.offset ?? 0) || 0, limit: Number(q.limit ?? 50) || 50 });
  });
  return app;
}

function cookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}
