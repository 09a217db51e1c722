import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { completionText, messageText } from "../../core/text.ts";
import { type ChatMessage, failed, ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { endpointFields } from "../shared/http/endpoint.ts";
import { endpointReward, found, ModelEndpoint } from "../shared/http/model-endpoint.ts";
import type { Parsed } from "../shared/http/json-client.ts";
import { aggregateSteps, stepTexts } from "../shared/steps.ts";

/**
 * `type: prm` — a served process reward model (Qwen2.5-Math-PRM, Math-Shepherd ...) through
 * vLLM's pooling API. The completion is cut into steps, each step is followed by the model's step
 * separator token, and the server returns one row of class probabilities per separator
 * (`data[i].data = [[P(bad), P(good)], ...]`). docs/models.md.
 */
const options = z.strictObject({
  ...endpointFields,
  model: z.string().min(1).optional().describe("Model name sent with each request (vLLM checks it; leave out to use the served one)."),
  path: z.string().min(1).default("/pooling").describe("Route of the pooling API, resolved against the server root (base_url without a trailing /v1)."),
  input: z.enum(["text", "messages"]).default("text").describe("text: send the rendered string (template) so many records go in one request; messages: send chat messages and let the server apply the model's chat template (one record per request)."),
  template: z
    .string()
    .default("{prompt}\n{steps}")
    .describe("input text: how prompt and steps become the string the model reads; {prompt} and {steps} are replaced (write the model's chat template here, e.g. Qwen's <|im_start|> markup)."),
  system: z.string().optional().describe("input messages: a system message put first (Qwen2.5-Math-PRM expects one)."),
  separator: z.string().min(1).default("<extra_0>").describe("The model's step separator, written after every step (Qwen2.5-Math-PRM: <extra_0>; Math-Shepherd: ки)."),
  steps_from: z.enum(["auto", "record", "delimiter"]).default("auto").describe("Where the steps come from: the record's steps (each with a text), the completion cut at delimiter, or auto (the record's when every one has a text)."),
  delimiter: z.string().min(1).default("\n\n").describe("Cuts the completion into steps; empty pieces are dropped."),
  label_index: z.number().int().min(0).default(1).describe("Which column of a step's row is the reward (1: P(good) of a [P(bad), P(good)] row); a row that is a single number is used as it is."),
  aggregate: z.enum(["min", "last", "mean", "product"]).default("min").describe("The record's reward from its step rewards: min (PURE's min-form), last, mean or product."),
  max_steps: z.number().int().min(1).default(256).describe("A record with more steps than this is unscorable (the request would outgrow the model's context)."),
  batch_size: z.number().int().min(1).default(32).describe("input text: records sent in one request."),
});

type Options = z.output<typeof options>;

export const prmReward = defineRewardType({
  type: "prm",
  description: "served process reward model (vLLM pooling API): one reward per step plus an aggregate (min, last, mean, product)",
  options,
  create(o, context): Reward {
    const endpoint = new ModelEndpoint(o, context);
    const url = endpoint.url(o.path, true);
    return endpointReward(context, endpoint, (samples) => scorePrm(endpoint, url, o, samples));
  },
});

interface Prepared {
  steps: string[];
  body: { text: string } | { messages: ChatMessage[] };
}

/** The step texts of a record: its own steps' texts, or the completion cut at the delimiter. */
export function recordSteps(sample: Sample, o: Pick<Options, "steps_from" | "delimiter">): string[] | string {
  return stepTexts(sample.steps as Array<{ text?: unknown }> | undefined, completionText(sample.completion), o);
}

function promptOf(sample: Sample): { text: string; messages: ChatMessage[] } {
  const p = sample.prompt;
  if (typeof p === "string") return { text: p, messages: [{ role: "user", content: p }] };
  if (Array.isArray(p)) return { text: p.map((m) => messageText(m)).join("\n"), messages: p.filter((m) => m && typeof m === "object").map((m) => ({ role: String(m.role), content: messageText(m) })) };
  return { text: "", messages: [] };
}

function prepare(sample: Sample, o: Options): Prepared | string {
  const steps = recordSteps(sample, o);
  if (typeof steps === "string") return steps;
  if (steps.length === 0) return "the completion has no steps";
  if (steps.length > o.max_steps) return `the completion has ${steps.length} steps, more than max_steps ${o.max_steps}`;
  const joined = steps.map((s) => s + o.separator).join("");
  const prompt = promptOf(sample);
  if (o.input === "messages") {
    const messages: ChatMessage[] = [];
    if (o.system !== undefined) messages.push({ role: "system", content: o.system });
    messages.push(...prompt.messages, { role: "assistant", content: joined });
    return { steps, body: { messages } };
  }
  const text = o.template.replace(/\{(prompt|steps)\}/g, (_m, k: string) => (k === "prompt" ? prompt.text : joined));
  return { steps, body: { text } };
}

/** One pooling output's step rows as rewards, or what is wrong with it. */
export function stepRewards(rows: unknown, expected: number, labelIndex: number, separator: string): number[] | string {
  if (!Array.isArray(rows)) return `expected a list of step rows in data[].data, found ${found(rows)}`;
  if (rows.length !== expected) {
    return `the server returned ${rows.length} step scores for ${expected} steps (is "${separator}" the model's step separator, and does the server pool at step tokens?)`;
  }
  const out = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const v = typeof row === "number" ? row : Array.isArray(row) ? (row.length === 1 ? row[0] : row[labelIndex]) : undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) return `step ${i + 1}: expected a number or a row with column ${labelIndex}, found ${found(row)}`;
    out[i] = v;
  }
  return out;
}

function parsePooling(count: number): (json: unknown) => Parsed<unknown[]> {
  return (json) => {
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return { error: `pooling response has no data list (found ${found(data)})`, retryable: false };
    if (data.length !== count) return { error: `pooling response has ${data.length} outputs for ${count} inputs`, retryable: false };
    const rows = new Array<unknown>(count);
    for (const [j, d] of data.entries()) {
      const index = typeof (d as { index?: unknown })?.index === "number" ? (d as { index: number }).index : j;
      if (index < 0 || index >= count) return { error: `pooling response has an output with index ${index} for ${count} inputs`, retryable: false };
      rows[index] = (d as { data?: unknown })?.data;
    }
    return { value: rows };
  };
}

async function scorePrm(endpoint: ModelEndpoint, url: string, o: Options, samples: readonly Sample[]): Promise<RewardResult[]> {
  const results = new Array<RewardResult>(samples.length);
  const items: Array<{ i: number; p: Prepared }> = [];
  samples.forEach((s, i) => {
    const p = prepare(s, o);
    if (typeof p === "string") results[i] = unscorable(p);
    else items.push({ i, p });
  });
  const model = o.model === undefined ? {} : { model: o.model };
  const batch = o.input === "text" ? o.batch_size : 1;
  const answers = await endpoint.batched(
    items,
    batch,
    (it) => ["prm", o.path, o.model, o.label_index, it.p.body],
    async (group) => {
      const body = "messages" in group[0].p.body ? { ...model, messages: group[0].p.body.messages } : { ...model, input: group.map((g) => (g.p.body as { text: string }).text) };
      return endpoint.post(url, body, "PRM request", parsePooling(group.length));
    },
  );
  items.forEach((it, j) => {
    const a = answers[j];
    if ("error" in a) {
      results[it.i] = failed(a.error);
      return;
    }
    const rewards = stepRewards(a.value, it.p.steps.length, o.label_index, o.separator);
    if (typeof rewards === "string") {
      results[it.i] = failed(`PRM endpoint ${url}: ${rewards}`);
      return;
    }
    const r = ok(aggregateSteps(rewards, o.aggregate));
    r.steps = rewards.map((reward) => ({ reward }));
    results[it.i] = r;
  });
  return results;
}
