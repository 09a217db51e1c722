import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { defineRewardType, type Reward } from "../../core/reward.ts";
import { completionText, messageText } from "../../core/text.ts";
import { type ChatMessage, failed, ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { endpointFields } from "../shared/http/endpoint.ts";
import type { Parsed } from "../shared/http/json-client.ts";
import { endpointReward, found, ModelEndpoint } from "../shared/http/model-endpoint.ts";

/**
 * `type: reward_model` — a served scalar reward model (a sequence classifier such as
 * Skywork-Reward) through vLLM (pooling, classify, score), OpenRLHF's serve_rm (/get_reward),
 * text-embeddings-inference (/predict, /rerank) or any JSON endpoint with a JSON path to the
 * scores. Many records go in one request; raw logits can be squashed (sigmoid) or standardised
 * (z-score against a calibration file). docs/models.md.
 */
const PROTOCOLS = ["vllm", "openrlhf", "tei", "openai_compatible_custom"] as const;
const ENDPOINTS = ["pooling", "classify", "score", "get_reward", "predict", "rerank", "custom"] as const;
type Route = (typeof ENDPOINTS)[number];
const DEFAULT_ENDPOINT: Record<(typeof PROTOCOLS)[number], Route> = { vllm: "pooling", openrlhf: "get_reward", tei: "predict", openai_compatible_custom: "custom" };
const ALLOWED: Record<(typeof PROTOCOLS)[number], readonly Route[]> = {
  vllm: ["pooling", "classify", "score"],
  openrlhf: ["get_reward"],
  tei: ["predict", "rerank"],
  openai_compatible_custom: ["custom"],
};

const options = z
  .strictObject({
    ...endpointFields,
    protocol: z.enum(PROTOCOLS).default("vllm").describe("The server's API: vllm, openrlhf (serve_rm's /get_reward), tei (text-embeddings-inference) or openai_compatible_custom (any JSON endpoint; set path, input_field, json_path)."),
    endpoint: z.enum(ENDPOINTS).optional().describe("The route of the protocol: vllm pooling (default), classify or score; tei predict (default) or rerank; openrlhf get_reward; custom."),
    path: z.string().min(1).optional().describe("Route path, overriding the protocol's (/pooling, /classify, /score, /get_reward, /predict, /rerank); resolved against the server root (base_url without a trailing /v1)."),
    model: z.string().min(1).optional().describe("Model name sent with vLLM and custom requests (leave out to use the served one)."),
    input: z
      .enum(["text", "messages"])
      .default("text")
      .describe("text: the rendered string from template, many records per request; messages: chat messages for vLLM pooling/classify, which apply the model's chat template (one record per request)."),
    template: z
      .string()
      .default("{prompt}\n{completion}")
      .describe("How prompt and completion become the string the model reads ({prompt}, {completion}); write the model's chat template here (e.g. <|im_start|>user\\n{prompt}<|im_end|>\\n<|im_start|>assistant\\n{completion}<|im_end|>). Pair routes (score, rerank) send prompt and completion apart."),
    pair: z.boolean().default(false).describe("tei predict: send [prompt, completion] pairs (cross-encoders) instead of the rendered text."),
    label: z
      .union([z.number().int().min(0), z.string().min(1)])
      .optional()
      .describe("Which class is the reward for classifiers (classify, predict, multi-column pooling): an index or a label name; default the last class."),
    raw_scores: z.boolean().default(false).describe("tei: ask for raw logits instead of probabilities (raw_scores)."),
    input_field: z.string().min(1).default("input").describe("custom: the request field holding the list of texts."),
    json_path: z
      .string()
      .regex(/^[A-Za-z_$][\w$]*(\[\])?(\.[A-Za-z_$][\w$]*(\[\])?)*$/, "a path like rewards or data[].score")
      .default("data[].score")
      .describe("custom: where the scores are in the reply, one per text: dotted keys, [] where a list runs over the texts (rewards, data[].score, output.scores)."),
    batch_size: z.number().int().min(1).max(4096).optional().describe("Records per request; default 32 for tei (its --max-client-batch-size default) and 128 otherwise. Match the server's limit."),
    transform: z.enum(["none", "sigmoid", "zscore"]).default("none").describe("none: the raw score; sigmoid: 1/(1+e^-x), bounded in (0, 1); zscore: (x - mean) / std from the calibration file."),
    calibration: z.string().min(1).optional().describe("transform zscore: a JSON file {\"mean\": m, \"std\": s}, relative to the spec."),
  })
  .superRefine((o, ctx) => {
    const route = o.endpoint ?? DEFAULT_ENDPOINT[o.protocol];
    if (!ALLOWED[o.protocol].includes(route)) ctx.addIssue({ code: "custom", path: ["endpoint"], message: `protocol ${o.protocol} has no ${route} route (use ${ALLOWED[o.protocol].join(" or ")})` });
    if (o.protocol === "openai_compatible_custom" && o.path === undefined) ctx.addIssue({ code: "custom", path: ["path"], message: "protocol openai_compatible_custom needs the route's path" });
    if (o.transform === "zscore" && o.calibration === undefined) ctx.addIssue({ code: "custom", path: ["calibration"], message: "transform zscore needs a calibration file {\"mean\", \"std\"}" });
    if (o.input === "messages" && !(o.protocol === "vllm" && route !== "score")) ctx.addIssue({ code: "custom", path: ["input"], message: "input messages works with vllm pooling or classify only" });
  });

type Options = z.output<typeof options>;

const ROUTE_PATH: Record<Route, string> = { pooling: "/pooling", classify: "/classify", score: "/score", get_reward: "/get_reward", predict: "/predict", rerank: "/rerank", custom: "/score" };

export const rewardModelReward = defineRewardType({
  type: "reward_model",
  description: "served scalar reward model: vLLM pooling/classify/score, OpenRLHF get_reward, TEI predict/rerank, or a custom JSON endpoint; batched, optional sigmoid / z-score",
  options,
  create(o, context): Reward {
    const endpoint = new ModelEndpoint(o, context);
    const route = o.endpoint ?? DEFAULT_ENDPOINT[o.protocol];
    const url = endpoint.url(o.path ?? ROUTE_PATH[route], true);
    const transform = makeTransform(o, context.specDir);
    return endpointReward(context, endpoint, (samples) => scoreAll(endpoint, url, route, o, transform, samples));
  },
});

function makeTransform(o: Options, specDir: string): (x: number) => number {
  if (o.transform === "sigmoid") return (x) => 1 / (1 + Math.exp(-x));
  if (o.transform === "zscore") {
    const file = isAbsolute(o.calibration!) ? o.calibration! : resolve(specDir, o.calibration!);
    let cal: { mean?: unknown; std?: unknown };
    try {
      cal = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`calibration: cannot read ${file}: ${(err as Error).message}`);
    }
    const mean = Number(cal?.mean);
    const std = Number(cal?.std);
    if (!Number.isFinite(mean) || !(std > 0)) throw new Error(`calibration: ${file} must hold {"mean": <number>, "std": <positive number>}`);
    return (x) => (x - mean) / std;
  }
  return (x) => x;
}

interface Item {
  i: number;
  prompt: string;
  completion: string;
  text: string;
  messages?: ChatMessage[];
}

function promptParts(sample: Sample): { text: string; messages: ChatMessage[] } {
  const p = sample.prompt;
  if (typeof p === "string") return { text: p, messages: [{ role: "user", content: p }] };
  if (Array.isArray(p)) return { text: p.map((m) => messageText(m)).join("\n"), messages: p.filter((m) => m && typeof m === "object").map((m) => ({ role: String(m.role), content: messageText(m) })) };
  return { text: "", messages: [] };
}

async function scoreAll(endpoint: ModelEndpoint, url: string, route: Route, o: Options, transform: (x: number) => number, samples: readonly Sample[]): Promise<RewardResult[]> {
  const results = new Array<RewardResult>(samples.length);
  const items: Item[] = [];
  samples.forEach((s, i) => {
    const completion = completionText(s.completion);
    if (completion.trim() === "") {
      results[i] = unscorable("empty completion");
      return;
    }
    const prompt = promptParts(s);
    const text = o.template.replace(/\{(prompt|completion)\}/g, (_m, k: string) => (k === "prompt" ? prompt.text : completion));
    const item: Item = { i, prompt: prompt.text, completion, text };
    if (o.input === "messages") item.messages = [...prompt.messages, { role: "assistant", content: completion }];
    items.push(item);
  });
  const batches = groupForRoute(items, route, o);
  const answers = await Promise.all(
    batches.map((b) =>
      endpoint.batched(b, o.input === "messages" ? 1 : (o.batch_size ?? (o.protocol === "tei" ? 32 : 128)), (it) => ["reward_model", url.replace(/^https?:\/\/[^/]+/, ""), o.model, route, o.label, o.raw_scores, o.json_path, it.messages ?? (pairRoute(route, o) ? [it.prompt, it.completion] : it.text)], (group) =>
        endpoint.post(url, requestBody(route, o, group), "reward model request", parserFor(route, o, group.length)),
      ),
    ),
  );
  batches.forEach((b, j) =>
    b.forEach((it, k) => {
      const a = answers[j][k];
      if ("error" in a) results[it.i] = failed(a.error);
      else {
        const v = transform(a.value);
        results[it.i] = Number.isFinite(v) ? ok(v) : failed(`reward model endpoint ${url}: the score ${a.value} is not a finite number after transform ${o.transform}`);
      }
    }),
  );
  return results;
}

function pairRoute(route: Route, o: Options): boolean {
  return route === "score" || route === "rerank" || (route === "predict" && o.pair);
}

/** Rerank scores many texts against one query: records sharing a prompt go together; every other route takes any mix. */
function groupForRoute(items: Item[], route: Route, o: Options): Item[][] {
  if (route !== "rerank") return items.length ? [items] : [];
  void o;
  const by = new Map<string, Item[]>();
  for (const it of items) {
    const g = by.get(it.prompt);
    if (g) g.push(it);
    else by.set(it.prompt, [it]);
  }
  return [...by.values()];
}

function requestBody(route: Route, o: Options, group: Item[]): Record<string, unknown> {
  const model = o.model === undefined ? {} : { model: o.model };
  switch (route) {
    case "pooling":
    case "classify":
      return group[0].messages ? { ...model, messages: group[0].messages } : { ...model, input: group.map((g) => g.text) };
    case "score":
      return { ...model, text_1: group.map((g) => g.prompt), text_2: group.map((g) => g.completion) };
    case "get_reward":
      return { query: group.map((g) => g.text), prompts: group.map((g) => g.prompt) };
    case "predict":
      return { inputs: group.map((g) => (o.pair ? [g.prompt, g.completion] : [g.text])), raw_scores: o.raw_scores, truncate: false };
    case "rerank":
      return { query: group[0].prompt, texts: group.map((g) => g.completion), raw_scores: o.raw_scores, return_text: false };
    case "custom":
      return { ...model, [o.input_field]: group.map((g) => g.text) };
  }
}

/** A class probability (or logit) from a row of them: by index or label name; default the last. */
function pickClass(values: unknown, labels: unknown, label: number | string | undefined): number | string {
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === "number")) return `expected a list of class scores, found ${found(values)}`;
  if (values.length === 1) return values[0];
  let index = values.length - 1;
  if (typeof label === "number") index = label;
  else if (typeof label === "string") {
    if (!Array.isArray(labels)) return `label "${label}" given but the server names no labels`;
    index = labels.indexOf(label);
    if (index < 0) return `no class labelled "${label}" (found ${labels.slice(0, 8).join(", ")})`;
  }
  if (index >= values.length) return `class ${index} asked for, the server returned ${values.length}`;
  return values[index];
}

/** A pooling output as one score: a number, one column, a row of classes, or per-token rows (the last token's). */
export function poolingScore(data: unknown, label: number | string | undefined): number | string {
  if (typeof data === "number") return data;
  if (Array.isArray(data) && data.length > 0 && Array.isArray(data[data.length - 1])) return pickClass(data[data.length - 1], undefined, label);
  return pickClass(data, undefined, label);
}

function listOf(json: unknown, key: string, count: number, what: string): unknown[] | string {
  const list = key === "" ? json : (json as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(list)) return `${what} has no ${key || "list"} (found ${found(list)})`;
  if (list.length !== count) return `${what} has ${list.length} results for ${count} inputs`;
  return list;
}

/** Numbers along a dotted path with [] over lists, e.g. data[].score. */
export function pathValues(json: unknown, path: string): unknown[] | string {
  let current: unknown[] = [json];
  let spread = false;
  for (const part of path.split(".")) {
    const many = part.endsWith("[]");
    const key = many ? part.slice(0, -2) : part;
    const next: unknown[] = [];
    for (const v of current) {
      const x = v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
      if (x === undefined) return `json_path ${path}: no "${key}" in the reply (found ${found(v)})`;
      if (many) {
        if (!Array.isArray(x)) return `json_path ${path}: "${key}" is not a list (found ${found(x)})`;
        next.push(...x);
        spread = true;
      } else next.push(x);
    }
    current = next;
  }
  if (!spread) return Array.isArray(current[0]) ? (current[0] as unknown[]) : `json_path ${path} names no list (found ${found(current[0])})`;
  return current;
}

function parserFor(route: Route, o: Options, count: number): (json: unknown) => Parsed<number[]> {
  const done = (values: unknown[] | string, pick: (v: unknown, i: number) => number | string): Parsed<number[]> => {
    if (typeof values === "string") return { error: values, retryable: false };
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const v = pick(values[i], i);
      if (typeof v === "string") return { error: `result ${i}: ${v}`, retryable: false };
      if (!Number.isFinite(v)) return { error: `result ${i}: the score is not a finite number`, retryable: false };
      out[i] = v;
    }
    return { value: out };
  };
  const num = (v: unknown): number | string => (typeof v === "number" ? v : `expected a number, found ${found(v)}`);
  return (json) => {
    switch (route) {
      case "pooling":
        return done(byIndex(listOf(json, "data", count, "pooling response"), count), (d) => poolingScore((d as { data?: unknown })?.data, o.label));
      case "classify":
        return done(byIndex(listOf(json, "data", count, "classify response"), count), (d) => pickClass((d as { probs?: unknown })?.probs, undefined, o.label));
      case "score":
        return done(byIndex(listOf(json, "data", count, "score response"), count), (d) => num((d as { score?: unknown })?.score));
      case "get_reward":
        return done(listOf(json, "rewards", count, "get_reward response"), num);
      case "predict":
        return done(listOf(json, "", count, "predict response"), (preds) => predictScore(preds, o.label));
      case "rerank":
        return done(byIndex(listOf(json, "", count, "rerank response"), count), (d) => num((d as { score?: unknown })?.score));
      case "custom": {
        const values = pathValues(json, o.json_path);
        if (typeof values !== "string" && values.length !== count) return { error: `json_path ${o.json_path}: ${values.length} scores for ${count} inputs`, retryable: false };
        return done(values, num);
      }
    }
  };
}

/** Results carrying an `index` (vLLM data[], TEI rerank, which sorts by score) put back in input order. */
function byIndex(list: unknown[] | string, count: number): unknown[] | string {
  if (typeof list === "string") return list;
  if (!list.every((d) => typeof (d as { index?: unknown })?.index === "number")) return list;
  const out = new Array<unknown>(count);
  for (const d of list) {
    const i = (d as { index: number }).index;
    if (!Number.isInteger(i) || i < 0 || i >= count || out[i] !== undefined) return `results have a bad or repeated index ${i}`;
    out[i] = d;
  }
  return out;
}

/** TEI's predictions for one input ([{score, label}], best first): the asked label's score, or the one prediction. */
function predictScore(preds: unknown, label: number | string | undefined): number | string {
  if (!Array.isArray(preds) || preds.length === 0) return `expected a list of {score, label}, found ${found(preds)}`;
  const list = preds as Array<{ score?: unknown; label?: unknown }>;
  if (list.length === 1 && label === undefined) return typeof list[0]?.score === "number" ? list[0].score : `expected a score, found ${found(list[0])}`;
  if (label === undefined) return `the classifier returned ${list.length} labels (${list.map((p) => String(p?.label)).join(", ")}): set label to the one that is the reward`;
  const want = typeof label === "number" ? `LABEL_${label}` : label;
  const hit = list.find((p) => p?.label === want || (typeof label === "number" && p?.label === String(label)));
  if (!hit) return `no prediction labelled "${want}" (found ${list.map((p) => String(p?.label)).join(", ")})`;
  return typeof hit.score === "number" ? hit.score : `expected a score, found ${found(hit)}`;
}
