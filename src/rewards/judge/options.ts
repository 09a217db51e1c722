import { z } from "zod";
import { endpointFields } from "../shared/http/endpoint.ts";
import { imageFields } from "../shared/images.ts";
import { MODES, placeholdersOf, REQUIRED_VARIABLES, TEMPLATE_VARIABLES } from "./prompts.ts";

const positive = z.number().finite().positive();
const count = (min: number) => z.number().int().min(min);

/** A rubric criterion: text, or text with a weight (default 1). */
export const criterionSchema = z.union([
  z.string().min(1),
  z.strictObject({ criterion: z.string().min(1).describe("The criterion text."), weight: positive.default(1).describe("Its weight in the weighted mean of the criteria.") }),
]);
export type CriterionInput = z.output<typeof criterionSchema>;

export const judgeOptions = z
  .strictObject({
    ...endpointFields,
    mode: z.enum(MODES).describe("pointwise: a score per completion; reference: compared with the reference answer; pairwise: completions of a group against each other; rubric: one verdict per criterion; principle: checked against principles."),
    model: z.string().min(1).describe("The judge model name the server knows (the request's `model`)."),
    temperature: z.number().finite().min(0).default(0).describe("Sampling temperature of the judge (0: as deterministic as the server allows)."),
    top_p: z.number().finite().gt(0).max(1).optional().describe("Nucleus sampling mass, when set."),
    max_tokens: count(1).default(512).describe("Most tokens the judge may write per verdict."),
    seed: z.number().int().optional().describe("Sampling seed sent to servers that honour one."),
    extra_body: z.record(z.string(), z.unknown()).optional().describe("Extra request fields passed as they are (server-specific sampling params, e.g. vLLM's top_k)."),
    structured: z.enum(["json_schema", "none"]).default("json_schema").describe("json_schema: ask for structured output (the text parser still handles servers that ignore it); none: plain text."),
    system: z.string().min(1).optional().describe("The system message (default: a short instruction to judge fairly and answer in the asked format)."),
    prompt: z.string().min(1).optional().describe("The user message template; see docs/judges.md for the placeholders of each mode."),
    criteria: z.union([z.string().min(1), z.array(criterionSchema).min(1)]).optional().describe("pointwise/pairwise/reference: what to judge (text); rubric: the criteria (list)."),
    principles: z.array(criterionSchema).min(1).optional().describe("principle: the principles each completion is checked against (a record's `principles` field overrides them)."),
    scale: z
      .strictObject({ min: z.number().int().describe("The lowest score the judge may give."), max: z.number().int().describe("The highest score the judge may give.") })
      .refine((s) => s.max > s.min, "max greater than min")
      .default({ min: 1, max: 10 })
      .describe("The judge's score range; scores are mapped to [0, 1]."),
    images: imageFields.optional(),
    logprobs: z.boolean().default(false).describe("pointwise: expected value of the score over the score token's top logprobs (G-Eval style)."),
    top_logprobs: count(1).max(20).default(10).describe("logprobs: how many alternatives of the score token to weigh."),
    self_consistency: z
      .strictObject({
        samples: count(2).max(32).describe("Verdicts sampled per record."),
        aggregate: z.enum(["mean", "majority"]).default("mean").describe("How the sampled verdicts combine: their mean, or the most frequent one."),
        temperature: z.number().finite().min(0).default(0.7).describe("Sampling temperature of the repeated verdicts."),
      })
      .optional()
      .describe("Ask several times and aggregate the verdicts (self-consistency)."),
    guards: z
      .strictObject({
        degenerate: z.boolean().default(true).describe("Give 0 without asking to completions with no content (\":\", \"Thought process:\" ...) that judges are known to accept."),
        length_bias: z.boolean().default(true).describe("Report in the summary when the judge's scores follow completion length."),
      })
      .default({ degenerate: true, length_bias: true })
      .describe("Protections against judge exploits."),
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
    if (o.images && o.mode === "pairwise") {
      ctx.addIssue({ code: "custom", path: ["images"], message: "images go with pointwise, reference, rubric and principle judging (not pairwise)" });
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
