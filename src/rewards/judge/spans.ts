import { z } from "zod";
import type { Reward } from "../../core/reward.ts";
import { completionText, promptText, referenceText } from "../../core/text.ts";
import type { RewardResult, Sample, Segment, Step } from "../../core/types.ts";
import { failed, ok } from "../../core/types.ts";
import { CachedChat } from "../shared/http/cached-chat.ts";
import { JudgeRequestError } from "../shared/http/client.ts";
import { degenerateReason } from "./guards.ts";
import { judgeOptions } from "./options.ts";
import { clientConfig, replyCachePath } from "../shared/http/endpoint.ts";
import { placeholdersOf, render } from "./prompts.ts";
import { excerpt, findJsonObject } from "./verdict.ts";
import { placeQuote, sentences } from "./span-match.ts";

const positive = z.number().finite().positive();
const count = (min: number) => z.number().int().min(min);
const SPAN_VARIABLES = ["prompt", "completion", "reference", "criteria", "severities"];

const shared = judgeOptions.shape;

/** Options of `type: judge, mode: spans` (fine-grained, span-level judging). */
export const spansJudgeOptions = z
  .strictObject({
    mode: z.literal("spans").describe("spans: the judge quotes the erroneous or unsupported spans of the completion; they become segments."),
    // The connection and sampling fields mean what they mean in every other mode: described once, in options.ts.
    base_url: shared.base_url,
    model: shared.model,
    api_key_env: shared.api_key_env,
    temperature: shared.temperature,
    max_tokens: count(1).default(1024).describe("Most tokens the judge may write per reply (its list of quoted spans)."),
    seed: shared.seed,
    extra_body: shared.extra_body,
    max_concurrency: shared.max_concurrency,
    timeout_s: shared.timeout_s,
    retries: shared.retries,
    backoff_s: shared.backoff_s,
    breaker: shared.breaker,
    structured: shared.structured,
    system: shared.system,
    prompt: z.string().min(1).optional().describe("The user message template; placeholders {{prompt}}, {{completion}} (required), {{reference}}, {{criteria}}, {{severities}}."),
    criteria: z.string().min(1).optional().describe("What counts as an error span (default: factual errors, unsupported claims, irrelevant or incoherent text)."),
    severities: z
      .record(z.string().min(1), z.number().finite().min(0).max(1))
      .default({ minor: 0.25, major: 0.5, critical: 1 })
      .describe("Penalty weight per character of each severity; the reward is 1 \u2212 the weighted error density."),
    guards: z
      .strictObject({ degenerate: z.boolean().default(true).describe("Give 0 without asking to completions with no content.") })
      .default({ degenerate: true })
      .describe("Protections against judge exploits."),
    cache: shared.cache,
  })
  .superRefine((o, ctx) => {
    if (Object.keys(o.severities).length === 0) ctx.addIssue({ code: "custom", path: ["severities"], message: "at least one severity" });
    if (o.prompt !== undefined) {
      const used = placeholdersOf(o.prompt);
      for (const name of used) if (!SPAN_VARIABLES.includes(name)) ctx.addIssue({ code: "custom", path: ["prompt"], message: `placeholders of mode spans ({{${SPAN_VARIABLES.join("}}, {{")}}}), found {{${name}}}` });
      if (!used.includes("completion")) ctx.addIssue({ code: "custom", path: ["prompt"], message: "a template of mode spans with {{completion}}" });
    }
  });

export type SpansJudgeOptions = z.output<typeof spansJudgeOptions>;

const DEFAULT_SPAN_CRITERIA = "factual or reasoning errors, claims not supported by the prompt or reference, and irrelevant, repetitive or incoherent text";
const SPAN_SYSTEM = "You are a meticulous reviewer. You quote the exact erroneous parts of a response; you never rewrite them.";
const SPAN_PROMPT = `Find the erroneous spans of the response: {{criteria}}.

[Question]
{{prompt}}
[End of Question]

[Reference]
{{reference}}
[End of Reference]

[Response]
{{completion}}
[End of Response]

For each erroneous span, copy its text exactly as it appears in the response (a short phrase or sentence, not the whole response), give a short label, and a severity. If the same text appears more than once in the response, give "occurrence": which appearance (1 for the first). Answer with JSON: {"spans": [{"quote": "...", "label": "...", "severity": "{{severities}}", "occurrence": 1}]}; an empty list when the response has no errors.`;

interface JudgedSpan {
  quote: string;
  label: string;
  severity: string;
  occurrence?: number;
}

/**
 * The `spans` judge mode (Fine-Grained RLHF style): the judge quotes the erroneous spans with a
 * label and severity; the quotes are placed in the completion (exact, then whitespace-insensitive;
 * a quote not found, or found several times without an occurrence, is reported and not placed).
 * Reward: 1 − Σ_chars max severity weight / characters; `segments` the placed spans; `steps` one
 * per sentence, 1 − the heaviest severity touching it.
 */
export class SpanJudge implements Reward {
  readonly name: string;
  readonly type = "judge";
  private readonly o: SpansJudgeOptions;
  private readonly client: CachedChat;
  private readonly counts = { guarded: 0, unplaced: 0, spans: 0 };

  constructor(name: string, options: SpansJudgeOptions, specDir: string, apiKey: string | undefined) {
    this.name = name;
    this.o = options;
    this.client = new CachedChat(clientConfig(options, apiKey), replyCachePath(options.cache, specDir));
  }

  score(samples: readonly Sample[]): Promise<RewardResult[]> {
    return Promise.all(samples.map((s) => this.scoreOne(s)));
  }

  summary(): Record<string, number> {
    return {
      ...this.client.totals(),
      degenerate_guarded: this.counts.guarded,
      spans: this.counts.spans,
      unplaced_quotes: this.counts.unplaced,
    };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async scoreOne(sample: Sample): Promise<RewardResult> {
    const text = completionText(sample.completion);
    if (this.o.guards.degenerate) {
      const why = degenerateReason(text);
      if (why) {
        this.counts.guarded++;
        return ok(0, why);
      }
    }
    const severities = Object.keys(this.o.severities);
    const values = {
      prompt: promptText(sample.prompt),
      completion: text,
      reference: referenceText(sample.reference) ?? "(none)",
      criteria: this.o.criteria ?? DEFAULT_SPAN_CRITERIA,
      severities: severities.join(" | "),
    };
    const body: Record<string, unknown> = {
      ...this.o.extra_body,
      model: this.o.model,
      messages: [
        { role: "system", content: this.o.system ?? SPAN_SYSTEM },
        { role: "user", content: render(this.o.prompt ?? SPAN_PROMPT, values) },
      ],
      max_tokens: this.o.max_tokens,
      temperature: this.o.temperature,
    };
    if (this.o.seed !== undefined) body.seed = this.o.seed;
    if (this.o.structured === "json_schema") body.response_format = spansFormat(severities);
    let reply: string;
    try {
      reply = await this.ask(body);
    } catch (err) {
      if (err instanceof JudgeRequestError) return failed(err.message);
      throw err;
    }
    const spans = parseSpans(reply, severities);
    if (typeof spans === "string") return failed(spans);
    return this.place(text, spans);
  }

  private place(text: string, spans: JudgedSpan[]): RewardResult {
    const segments: Array<Segment & Record<string, unknown>> = [];
    const unplaced: string[] = [];
    for (const s of spans) {
      const at = placeQuote(text, s.quote, s.occurrence);
      if ("reason" in at) {
        unplaced.push(`${JSON.stringify(excerpt(s.quote, 60))} (${at.reason}${"occurrences" in at ? `: ${at.occurrences} times` : ""})`);
        continue;
      }
      const weight = this.o.severities[s.severity];
      segments.push({ start: at.start, end: at.end, reward: -weight, label: s.label, severity: s.severity, match: at.match });
    }
    this.counts.spans += spans.length;
    this.counts.unplaced += unplaced.length;
    // A character covered by several spans counts once, at its heaviest severity.
    const weightAt = new Float64Array(text.length);
    for (const seg of segments) for (let i = seg.start; i < seg.end; i++) weightAt[i] = Math.max(weightAt[i], -seg.reward);
    let total = 0;
    for (let i = 0; i < text.length; i++) total += weightAt[i];
    const reward = text.length === 0 ? 1 : 1 - total / text.length;
    const steps: Step[] = sentences(text).map((sn) => {
      let worst = 0;
      for (let i = sn.start; i < sn.end; i++) worst = Math.max(worst, weightAt[i]);
      return { reward: 1 - worst, start: sn.start, end: sn.end };
    });
    const parts = [`${segments.length} error span${segments.length === 1 ? "" : "s"}`];
    if (segments.length) parts.push(segments.map((s) => `${s.label} (${s.severity})`).join(", "));
    if (unplaced.length) parts.push(`unplaced quotes: ${unplaced.join("; ")}`);
    const result: RewardResult = ok(reward, parts.join(" · "));
    result.segments = segments;
    result.steps = steps;
    return result;
  }

  private async ask(body: Record<string, unknown>): Promise<string> {
    // A reply cut off at max_tokens is an error now and is asked again next run.
    const reply = await this.client.complete(body, 0, (r) => !r.truncated);
    if (reply.truncated) throw new JudgeRequestError(`the judge's reply was cut off at max_tokens ${this.o.max_tokens}: ${excerpt(reply.text)}`);
    return reply.text;
  }
}

function spansFormat(severities: string[]): Record<string, unknown> {
  return {
    type: "json_schema",
    json_schema: {
      name: "judge_spans",
      strict: true,
      schema: {
        type: "object",
        properties: {
          spans: {
            type: "array",
            items: {
              type: "object",
              properties: { quote: { type: "string" }, label: { type: "string" }, severity: { type: "string", enum: severities }, occurrence: { type: "integer", minimum: 1 } },
              required: ["quote", "label", "severity"],
              additionalProperties: false,
            },
          },
        },
        required: ["spans"],
        additionalProperties: false,
      },
    },
  };
}

/** The spans of a reply, or why the reply has none that can be used (an error record, never a reward). */
export function parseSpans(reply: string, severities: string[]): JudgedSpan[] | string {
  let value: unknown;
  try {
    value = JSON.parse(reply);
  } catch {
    value = findJsonObject(reply)?.value;
  }
  const list = (value as { spans?: unknown } | undefined)?.spans;
  if (!Array.isArray(list)) return `the judge's reply has no "spans" list: ${excerpt(reply)}`;
  const out: JudgedSpan[] = [];
  for (const [i, s] of list.entries()) {
    const x = s as Record<string, unknown>;
    if (x === null || typeof x !== "object" || typeof x.quote !== "string") return `span ${i + 1} of the judge's reply has no "quote" text`;
    const severity = typeof x.severity === "string" ? x.severity.toLowerCase() : undefined;
    if (severity === undefined || !severities.includes(severity)) return `span ${i + 1} of the judge's reply has severity ${JSON.stringify(x.severity)}, not one of ${severities.join(", ")}`;
    const occurrence = x.occurrence === undefined || x.occurrence === null ? undefined : Number(x.occurrence);
    if (occurrence !== undefined && !Number.isInteger(occurrence)) return `span ${i + 1} of the judge's reply has occurrence ${JSON.stringify(x.occurrence)}, not a whole number`;
    out.push({ quote: x.quote, label: typeof x.label === "string" && x.label !== "" ? x.label : "error", severity, occurrence });
  }
  return out;
}
