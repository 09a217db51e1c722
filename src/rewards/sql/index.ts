import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { type ComponentResult, failed, ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { answerSourceOptions, answerText, noAnswerReason } from "../shared/answer.ts";
import { sameResult } from "./compare.ts";
import { jaccard, schemaItems, tokenNgrams } from "./partial.ts";
import { QueryPool } from "./pool.ts";
import { dbKey, type DbSource, MAX_RESULT_BYTES, type QueryReply } from "./protocol.ts";
import { hasTopLevelOrderBy, statements, tokenizeSql } from "./tokens.ts";

const COMPONENTS = ["execution", "syntax", "schema", "ngram"] as const;
type Component = (typeof COMPONENTS)[number];

const options = z.strictObject({
  ...answerSourceOptions,
  database: z.string().min(1).optional().describe("SQLite file used when the reference does not name one; relative to the spec. `{field}` is replaced by the record's field (e.g. \"dbs/{db_id}/{db_id}.sqlite\")."),
  weights: z
    .partialRecord(z.enum(COMPONENTS), z.number().min(0))
    .refine((w) => Object.values(w).some((v) => v! > 0), "at least one positive weight")
    .default({ execution: 1 })
    .describe("Weights of the partial rewards; the reward is their weighted mean. Default: execution only."),
  ngram: z.number().int().min(1).max(8).default(2).describe("Order of the token n-grams of the n-gram similarity."),
  timeout_ms: z.number().int().positive().max(600_000).default(5000).describe("Milliseconds a query may run before the record gets status error."),
  max_rows: z.number().int().positive().max(1_000_000).default(10_000).describe("Rows read per query; a reference result with more is unscorable."),
  workers: z.number().int().positive().max(64).default(Math.max(1, Math.min(4, availableParallelism()))).describe("Query processes (each runs one query at a time)."),
});

type Options = z.output<typeof options>;

interface GoldQuery {
  db: DbSource;
  sql: string;
}

const FENCED_SQL = /```(?:sql|sqlite)?[ \t]*\n([\s\S]*?)```/gi;

/** The predicted SQL: the last fenced block (```sql or plain) if any, else the whole answer. */
export function extractSql(text: string): string {
  let last: string | undefined;
  for (const m of text.matchAll(FENCED_SQL)) last = m[1];
  return (last ?? text).trim();
}

/** A record's value fills one path component: a name such as a Spider db_id, never a way out of the template's directory. */
const PATH_NAME = /^(?!\.\.?$)[^/\\\0]+$/;

function fillTemplate(template: string, sample: Sample): string | { error: string } {
  let problem: string | undefined;
  const out = template.replace(/\{(\w+)\}/g, (_, field: string) => {
    const v = sample.meta?.[field] ?? (sample as unknown as Record<string, unknown>)[field];
    if ((typeof v === "string" && PATH_NAME.test(v)) || typeof v === "number") return String(v);
    problem ??= typeof v === "string" ? `the record's "${field}" (${JSON.stringify(v.slice(0, 80))}) is not a plain name for the database path` : `the record has no "${field}" field for the database path`;
    return "";
  });
  return problem === undefined ? out : { error: problem };
}

/** The reference: the gold query as a string, or {query|sql, database? | schema + rows?}. */
function goldQuery(sample: Sample, o: Options, specDir: string): GoldQuery | string {
  const ref = sample.reference;
  let sql: unknown = ref;
  let db: DbSource | undefined;
  let path: string | undefined = o.database;
  if (ref !== null && typeof ref === "object" && !Array.isArray(ref)) {
    const r = ref as Record<string, unknown>;
    sql = r.query ?? r.sql;
    if (typeof r.database === "string") path = r.database;
    if (typeof r.schema === "string") {
      const rows = r.rows;
      if (rows !== undefined && (rows === null || typeof rows !== "object" || Array.isArray(rows) || !Object.values(rows).every(Array.isArray))) {
        return "reference.rows must map table names to lists of rows";
      }
      db = { schema: r.schema, rows: rows as Record<string, unknown[]> | undefined };
    }
  }
  if (typeof sql !== "string" || sql.trim() === "") return "the reference must be the gold SQL, or {query, database | schema, rows}";
  if (!db) {
    if (path === undefined) return "no database: set the database option, or give reference.database or reference.schema";
    const filled = fillTemplate(path, sample);
    if (typeof filled !== "string") return filled.error;
    db = { path: isAbsolute(filled) ? filled : resolve(specDir, filled) };
  }
  return { db, sql };
}

function components(values: Partial<Record<Component, number>>, reasons: Partial<Record<Component, string>>): Record<string, ComponentResult> {
  const out: Record<string, ComponentResult> = {};
  for (const c of COMPONENTS) {
    const v = values[c];
    if (v === undefined) continue;
    out[c] = reasons[c] ? { reward: v, status: "ok", reason: reasons[c] } : { reward: v, status: "ok" };
  }
  return out;
}

export const sqlReward = defineRewardType({
  type: "sql",
  description: "text-to-SQL: execution match on SQLite (read-only, time-limited) plus syntax, schema-linking and n-gram partial rewards",
  options,
  create(o, context): Reward {
    const weighted = COMPONENTS.filter((c) => (o.weights[c] ?? 0) > 0);
    const weightSum = weighted.reduce((s, c) => s + o.weights[c]!, 0);
    const pool = new QueryPool(o.workers, o.timeout_ms);
    // Gold results per (database, query): rollouts of one prompt share them.
    const goldCache = new Map<string, Promise<QueryReply>>();

    const gold = (g: GoldQuery) => {
      const key = `${dbKey(g.db)}\u0000${g.sql}`;
      let p = goldCache.get(key);
      if (!p) {
        if (goldCache.size >= 10_000) goldCache.clear();
        p = pool.query(g.db, g.sql, o.max_rows);
        goldCache.set(key, p);
        // A timeout or crash may be transient: let the next record try again.
        p.then((r) => {
          if (!r.ok && (r.kind === "timeout" || r.kind === "crash")) goldCache.delete(key);
        });
      }
      return p;
    };

    const tooLarge = (cut: "rows" | "bytes") =>
      cut === "rows" ? `more than max_rows (${o.max_rows}) rows` : `more than ${MAX_RESULT_BYTES / 1024 / 1024} MiB of text and blob values`;

    async function scoreOne(sample: Sample): Promise<RewardResult> {
      const g = goldQuery(sample, o, context.specDir);
      if (typeof g === "string") return unscorable(g);
      const goldTokens = tokenizeSql(g.sql);
      if (statements(goldTokens).length !== 1) return unscorable("the reference must be exactly one SQL statement");
      const answer = answerText(completionText(sample.completion), o.from_tag);
      if (answer === undefined) return ok(0, noAnswerReason(o.from_tag));
      const predSql = extractSql(answer);
      const predTokens = tokenizeSql(predSql);
      const predStatements = statements(predTokens);
      if (predStatements.length === 0) return ok(0, "no SQL found");

      const goldReply = await gold(g);
      if (!goldReply.ok) {
        const why = goldReply.kind === "db" ? `the database cannot be opened or built: ${goldReply.message}` : `the reference query fails: ${goldReply.message}`;
        return goldReply.kind === "timeout" || goldReply.kind === "crash" ? failed(why) : unscorable(why);
      }
      if (goldReply.truncated) return unscorable(`the reference result has ${tooLarge(goldReply.truncated)}`);

      const values: Partial<Record<Component, number>> = {};
      const reasons: Partial<Record<Component, string>> = {};
      if (predStatements.length > 1) {
        values.execution = 0;
        values.syntax = 0;
        reasons.execution = reasons.syntax = `${predStatements.length} statements; one query expected`;
      } else {
        const pred = await pool.query(g.db, predSql, o.max_rows);
        if (!pred.ok && (pred.kind === "denied" || pred.kind === "timeout" || pred.kind === "crash")) return failed(pred.message);
        if (!pred.ok) {
          values.execution = 0;
          values.syntax = 0;
          reasons.execution = reasons.syntax = pred.message;
        } else {
          values.syntax = 1;
          const ordered = hasTopLevelOrderBy(goldTokens);
          const same = !pred.truncated && sameResult(goldReply.rows, pred.rows, ordered);
          values.execution = same ? 1 : 0;
          if (!same) reasons.execution = pred.truncated ? tooLarge(pred.truncated) : `result differs from the reference${ordered ? " (order matters: the reference has ORDER BY)" : ""}`;
        }
      }
      values.schema = jaccard(schemaItems(predTokens, goldReply.schema), schemaItems(goldTokens, goldReply.schema));
      values.ngram = jaccard(tokenNgrams(predStatements[0], o.ngram), tokenNgrams(statements(goldTokens)[0], o.ngram));

      let reward = 0;
      for (const c of weighted) reward += o.weights[c]! * values[c]!;
      const result = ok(reward / weightSum, reasons.execution);
      result.components = components(values, reasons);
      return result;
    }

    return {
      name: context.name,
      type: context.type,
      score(samples) {
        return Promise.all(samples.map((s) => scoreOne(s).catch((err: unknown) => failed(`sql reward failed: ${(err as Error).message}`))));
      },
      close() {
        pool.close();
      },
    };
  },
});
