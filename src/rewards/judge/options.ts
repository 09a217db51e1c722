import { z } from "zod";
import { MODES, placeholdersOf, REQUIRED_VARIABLES, TEMPLATE_VARIABLES } from "./prompts.ts";

const positive = z.number().finite().positive();
const count = (min: number) => z.number().int().min(min);

/** A rubric criterion: text, or text with a weight (default 1). */
export const criterionSchema = z.union([
  z.string().min(1),
  z.strictObject({ criterion: z.string().min(1), weight: positive.default(1) }),
]);
export type CriterionInput = z.output<typeof criterionSchema>;

export const judgeOptions = z
  .strictObject({
    mode: z.enum(MODES),
    /** OpenAI-compatible API root, e.g. http://127.0.0.1:8000/v1 (vLLM) or http://127.0.0.1:11434/v1 (Ollama). */
    base_url: z.string().regex(/^https?:\/\/\S+$/, "an http(s) URL like http://127.0.0.1:8000/v1"),
    model: z.string().min(1),
    /** Name of the environment variable holding the API key (sent as a Bearer token). */
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name").optional(),
    temperature: z.number().finite().min(0).default(0),
    top_p: z.number().finite().gt(0).max(1).optional(),
    max_tokens: count(1).default(512),
    seed: z.number().int().optional(),
    /** Extra request fields passed as they are (server-specific sampling params, e.g. vLLM's top_k). */
    extra_body: z.record(z.string(), z.unknown()).optional(),
    max_concurrency: count(1).default(8),
    timeout_s: positive.default(60),
    retries: count(0).default(3),
    /** First retry delay; doubles on each attempt (a 429's Retry-After wins when longer). */
    backoff_s: positive.default(0.5),
    breaker: z
      .strictObject({ failures: count(1).default(5), cooldown_s: positive.default(30) })
      .default({ failures: 5, cooldown_s: 30 }),
    /** json_schema: ask for structured output (the text parser still handles servers that ignore it); none: plain text. */
    structured: z.enum(["json_schema", "none"]).default("json_schema"),
    system: z.string().min(1).optional(),
    /** The user message template; see docs/judges.md for the placeholders of each mode. */
    prompt: z.string().min(1).optional(),
    /** pointwise/pairwise/reference: what to judge (text); rubric: the criteria (list). */
    criteria: z.union([z.string().min(1), z.array(criterionSchema).min(1)]).optional(),
    /** principle: the principles each completion is checked against (a record's `principles` field overrides them). */
    principles: z.array(criterionSchema).min(1).optional(),
    scale: z
      .strictObject({ min: z.number().int(), max: z.number().int() })
      .refine((s) => s.max > s.min, "max greater than min")
      .default({ min: 1, max: 10 }),
    /** pointwise: expected value of the score over the score token's top logprobs (G-Eval style). */
    logprobs: z.boolean().default(false),
    top_logprobs: count(1).max(20).default(10),
    self_consistency: z
      .strictObject({
        samples: count(2).max(32),
        aggregate: z.enum(["mean", "majority"]).default("mean"),
        temperature: z.number().finite().min(0).default(0.7),
      })
      .optional(),
    guards: z
      .strictObject({ degenerate: z.boolean().default(true), length_bias: z.boolean().default(true) })
      .default({ degenerate: true, length_bias: true }),
    /** true: the default cache file; a path (relative to the spec); false: no cache. */
    cache: z.union([z.boolean(), z.string().min(1)]).default(true),
  })
  .superRefine((o, ctx) => {
    if (o.mode === "rubric" && typeof o.criteria === "string") {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: "a list of criteria (mode rubric), each text or {criterion, weight}" });
    }
    if (o.mode !== "rubric" && Array.isArray(o.criteria)) {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: `a text describing what to judge (a list of criteria is for mode rubric)` });
    }
    if (o.principles !== undefined && o.mode !== "principle") {
      ctx.addIssue({ code: "custom", path: ["principles"], message: "principles only with mode principle" });
    }
    if (o.logprobs && o.mode !== "pointwise") {
      ctx.addIssue({ code: "custom", path: ["logprobs"], message: "logprob-weighted scores only with mode pointwise" });
    }
    if (o.self_consistency && o.mode === "pairwise") {
      ctx.addIssue({ code: "custom", path: ["self_consistency"], message: "self-consistency is not available for mode pairwise (it already asks both orders)" });
    }
    if (o.prompt !== undefined) {
      const allowed = TEMPLATE_VARIABLES[o.mode];
      const used = placeholdersOf(o.prompt);
      for (const name of used) {
        if (!allowed.includes(name)) {
          ctx.addIssue({ code: "custom", path: ["prompt"], message: `placeholders of mode ${o.mode} ({{${allowed.join("}}, {{")}}}), found {{${name}}}` });
        }
      }
      // Without them the judge would give a verdict without seeing what it judges, for every record alike.
      for (const name of REQUIRED_VARIABLES[o.mode]) {
        if (!used.includes(name)) ctx.addIssue({ code: "custom", path: ["prompt"], message: `a template of mode ${o.mode} with {{${name}}}` });
      }
    }
  });

export type JudgeOptions = z.output<typeof judgeOptions>;
