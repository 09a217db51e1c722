import type { Reward } from "../../core/reward.ts";
import { completionText, promptText, referenceText } from "../../core/text.ts";
import type { ComponentResult, RewardResult, Sample } from "../../core/types.ts";
import { failed, ok, unscorable } from "../../core/types.ts";
import { CachedChat } from "../shared/http/cached-chat.ts";
import type { ChatResponse } from "../shared/http/client.ts";
import { clientConfig, replyCachePath } from "../shared/http/endpoint.ts";
import { type ImagePart, imageParts } from "../shared/images.ts";
import { type Criterion, listCriteria, recordCriteria } from "./criteria.ts";
import { degenerateReason, LengthBias } from "./guards.ts";
import { weightedScore } from "./logprobs.ts";
import type { CriterionInput, JudgeOptions } from "./options.ts";
import { type PairwiseStats, scorePairwise, type Winner } from "./pairwise.ts";
import { DEFAULT_CRITERIA, DEFAULT_PROMPTS, DEFAULT_SYSTEM, POINTWISE_WITHOUT_REFERENCE, render, responseFormat, VERDICT_KIND, type VerdictKind } from "./prompts.ts";
import { excerpt, parseVerdict } from "./verdict.ts";

/** A judge failure for one record (request failed for good, or the reply had no usable verdict). */
class VerdictError extends Error {}

/** A verdict after self-consistency: the aggregated value, and the votes when there were several. */
interface Decision {
  value: number | Winner;
  reason?: string;
  votes?: number[];
  agreement?: number;
  note?: string;
}

type Message = { role: "system" | "user"; content: string | Array<{ type: "text"; text: string } | ImagePart> };

/** The `judge` reward: asks an OpenAI-compatible model for a verdict on each record (see docs/judges.md). */
export class Judge implements Reward {
  readonly name: string;
  readonly type = "judge";
  readonly groupwise: boolean;
  private readonly client: CachedChat;
  private readonly o: JudgeOptions;
  private readonly specDir: string;
  private readonly kind: VerdictKind;
  private readonly format: Record<string, unknown> | undefined;
  private readonly lengthBias = new LengthBias();
  private readonly pairStats: PairwiseStats = { comparisons: 0, positionDisagreements: 0 };
  private readonly counts = { guarded: 0, logprobFallbacks: 0, scDecisions: 0, scDisagreement: 0 };

  constructor(name: string, options: JudgeOptions, specDir: string, apiKey: string | undefined) {
    this.name = name;
    this.o = options;
    this.kind = VERDICT_KIND[options.mode];
    this.groupwise = options.mode === "pairwise";
    this.format = options.structured === "json_schema" ? responseFormat(this.kind, options.scale) : undefined;
    this.client = new CachedChat(clientConfig(options, apiKey), replyCachePath(options.cache, specDir));
    this.specDir = specDir;
  }

  async score(samples: readonly Sample[]): Promise<RewardResult[]> {
    const results =
      this.o.mode === "pairwise"
        ? await scorePairwise(samples, { degenerate: (t) => this.guard(t), compare: (a, b) => this.comparePair(a, b) }, this.pairStats)
        : await Promise.all(samples.map((s) => this.scoreOne(s)));
    if (this.o.guards.length_bias) {
      for (let i = 0; i < samples.length; i++) {
        const r = results[i];
        if (r.status === "ok" && r.reward !== null) this.lengthBias.add(completionText(samples[i].completion).length, r.reward);
      }
    }
    return results;
  }

  /** Run totals for the score summary: requests, cache hits, tokens, guard hits, bias reports. */
  summary(): Record<string, number> {
    const out = this.client.totals();
    if (this.o.guards.degenerate) out.degenerate_guarded = this.counts.guarded;
    if (this.o.mode === "pairwise") out.position_disagreements = this.pairStats.positionDisagreements;
    if (this.o.logprobs) out.logprob_fallbacks = this.counts.logprobFallbacks;
    if (this.counts.scDecisions > 0) out.self_consistency_disagreement = this.counts.scDisagreement / this.counts.scDecisions;
    const corr = this.lengthBias.correlation();
    if (corr !== undefined) out.length_reward_correlation = corr;
    return out;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** The degenerate-completion guard (when on): why the completion gets 0 without asking. */
  private guard(completion: string): string | undefined {
    if (!this.o.guards.degenerate) return undefined;
    const why = degenerateReason(completion);
    if (why) this.counts.guarded++;
    return why;
  }

  private async scoreOne(sample: Sample): Promise<RewardResult> {
    const completion = completionText(sample.completion);
    const reference = referenceText(withoutCriteria(sample.reference));
    if (this.o.mode === "reference" && reference === undefined) return unscorable("mode reference needs a reference answer");
    let criteria: Criterion[] | undefined;
    if (this.o.mode === "rubric" || this.o.mode === "principle") {
      const list = recordCriteria(sample, this.o.mode, this.o.mode === "rubric" ? (this.o.criteria as CriterionInput[] | undefined) : this.o.principles);
      if (typeof list === "string") return unscorable(list);
      criteria = list;
    }
    const degenerate = this.guard(completion);
    if (degenerate) return ok(0, `${degenerate}: scored 0 without asking the judge`);
    const images = this.o.images ? imageParts(sample, this.o.images, this.specDir) : [];
    if (typeof images === "string") return unscorable(images);
    const values: Record<string, string> = {
      prompt: promptText(sample.prompt),
      completion,
      reference: reference ?? "(none)",
      criteria: typeof this.o.criteria === "string" ? this.o.criteria : criteria ? listCriteria(criteria) : DEFAULT_CRITERIA,
      scale_min: String(this.o.scale.min),
      scale_max: String(this.o.scale.max),
    };
    try {
      if (criteria) return await this.scoreCriteria(criteria, values, images);
      const template = this.o.prompt ?? (this.o.mode === "pointwise" && reference === undefined ? POINTWISE_WITHOUT_REFERENCE : DEFAULT_PROMPTS[this.o.mode]);
      const d = await this.decide(this.messages(template, values, images));
      const v = d.value as number;
      const reward = this.kind === "score" ? (v - this.o.scale.min) / (this.o.scale.max - this.o.scale.min) : v;
      const result: RewardResult = ok(reward, describe(d));
      if (d.votes) result.components = { self_consistency: consistencyComponent(d) };
      return result;
    } catch (err) {
      if (err instanceof VerdictError) return failed(err.message);
      throw err;
    }
  }

  /** Rubric and principle modes: one verdict per criterion; reward = weighted share satisfied. */
  private async scoreCriteria(criteria: Criterion[], values: Record<string, string>, images: ImagePart[]): Promise<RewardResult> {
    const template = this.o.prompt ?? DEFAULT_PROMPTS[this.o.mode];
    const settled = await Promise.allSettled(criteria.map((c) => this.decide(this.messages(template, { ...values, criterion: c.text }, images))));
    const components: Record<string, ComponentResult> = {};
    const failures: string[] = [];
    let got = 0;
    let total = 0;
    for (let i = 0; i < criteria.length; i++) {
      const c = criteria[i];
      const s = settled[i];
      const key = `${this.o.mode === "rubric" ? "criterion" : "principle"}_${i + 1}`;
      if (s.status === "rejected") {
        if (!(s.reason instanceof VerdictError)) throw s.reason;
        failures.push(`${key}: ${s.reason.message}`);
        components[key] = { reward: null, status: "error", reason: s.reason.message, criterion: c.text, weight: c.weight };
        continue;
      }
      const v = s.value.value as number;
      got += v * c.weight;
      total += c.weight;
      const comp: ComponentResult = { reward: v, status: "ok", criterion: c.text, weight: c.weight };
      const why = describe(s.value);
      if (why) comp.reason = why;
      if (s.value.agreement !== undefined) comp.agreement = s.value.agreement;
      components[key] = comp;
    }
    if (failures.length > 0) return { ...failed(`${failures.length} of ${criteria.length} criteria could not be judged: ${failures.join("; ")}`), components };
    const satisfied = Object.values(components).filter((c) => c.reward === 1).length;
    return { reward: got / total, status: "ok", reason: `${satisfied} of ${criteria.length} satisfied`, components };
  }

  private comparePair(first: Sample, second: Sample): Promise<{ winner: Winner; reason?: string }> {
    const values = {
      prompt: promptText(first.prompt),
      completion_a: completionText(first.completion),
      completion_b: completionText(second.completion),
      reference: referenceText(first.reference) ?? "(none)",
      criteria: typeof this.o.criteria === "string" ? this.o.criteria : DEFAULT_CRITERIA,
    };
    return this.decide(this.messages(this.o.prompt ?? DEFAULT_PROMPTS.pairwise, values)).then((d) => ({ winner: d.value as Winner, reason: d.reason }));
  }

  /** The system and user messages; with images, the user message is a text part followed by image_url parts. */
  private messages(template: string, values: Record<string, string>, images: ImagePart[] = []): Message[] {
    const text = render(template, values);
    return [
      { role: "system", content: this.o.system ?? DEFAULT_SYSTEM },
      { role: "user", content: images.length > 0 ? [{ type: "text", text }, ...images] : text },
    ];
  }

  /** Ask once, or `self_consistency.samples` times and aggregate. */
  private async decide(messages: Message[]): Promise<Decision> {
    const sc = this.o.self_consistency;
    if (!sc) return this.vote(messages, 0);
    const votes = await Promise.all(Array.from({ length: sc.samples }, (_, i) => this.vote(messages, i)));
    const values = votes.map((v) => v.value as number);
    const majority = modeOf(values);
    const agreement = values.filter((v) => v === majority).length / values.length;
    const value = sc.aggregate === "majority" ? majority : values.reduce((a, b) => a + b, 0) / values.length;
    this.counts.scDecisions++;
    this.counts.scDisagreement += 1 - agreement;
    return { value, votes: values, agreement, reason: votes.find((v) => v.value === majority)?.reason };
  }

  /** One request (or cache hit) turned into a verdict value. */
  private async vote(messages: Message[], sample: number): Promise<Decision> {
    const body = this.requestBody(messages, sample);
    const reply = await this.ask(body, sample);
    // A verdict read from a reply cut off mid-way would come from its reasoning (a "score: 9" it was weighing).
    if (reply.truncated) throw new VerdictError(`the judge's reply was cut off at max_tokens (${this.o.max_tokens}) before it finished: "${excerpt(reply.text)}"`);
    const verdict = parseVerdict(reply.text, this.kind, this.o.scale);
    if (!verdict.ok) throw new VerdictError(verdict.reason);
    const decision: Decision = { value: verdict.value, reason: verdict.reason };
    if (this.o.logprobs && typeof verdict.value === "number") {
      const weighted = reply.logprobs && verdict.offset !== undefined ? weightedScore(reply.text, verdict.offset, verdict.value, reply.logprobs, this.o.scale) : { ok: false as const, reason: "the endpoint returned no logprobs" };
      if (weighted.ok) {
        decision.value = weighted.score;
        decision.note = `logprob-weighted score ${round(weighted.score)} (sampled ${verdict.value}, mass ${round(weighted.mass)})`;
      } else {
        this.counts.logprobFallbacks++;
        decision.note = `plain score: ${weighted.reason}`;
      }
    }
    return decision;
  }

  private requestBody(messages: Message[], sample: number): Record<string, unknown> {
    const o = this.o;
    const body: Record<string, unknown> = { ...o.extra_body, model: o.model, messages, max_tokens: o.max_tokens };
    body.temperature = o.self_consistency ? o.self_consistency.temperature : o.temperature;
    if (o.top_p !== undefined) body.top_p = o.top_p;
    if (o.seed !== undefined) body.seed = o.seed + sample;
    if (this.format) body.response_format = this.format;
    if (o.logprobs) {
      body.logprobs = true;
      body.top_logprobs = o.top_logprobs;
    }
    return body;
  }

  private async ask(body: Record<string, unknown>, sample: number): Promise<ChatResponse> {
    try {
      return await this.client.complete(body, sample);
    } catch (err) {
      throw new VerdictError((err as Error).message);
    }
  }
}

/** The reference without the rubric/principles a record may carry in it: those are judged one by one, not shown as the answer. */
function withoutCriteria(reference: unknown): unknown {
  if (!reference || typeof reference !== "object" || Array.isArray(reference)) return reference;
  if (!("rubric" in reference) && !("principles" in reference)) return reference;
  const { rubric: _r, principles: _p, ...rest } = reference as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function describe(d: Decision): string | undefined {
  const parts: string[] = [];
  if (d.note) parts.push(d.note);
  if (d.votes) parts.push(`self-consistency votes ${d.votes.map(round).join(", ")} (agreement ${round(d.agreement!)})`);
  if (d.reason) parts.push(`judge: ${excerpt(d.reason)}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function consistencyComponent(d: Decision): ComponentResult {
  return { reward: d.agreement!, status: "ok", reason: "share of samples agreeing with the majority verdict", votes: d.votes };
}

/** The most frequent value; ties go to the lowest (the cautious choice for a reward). */
function modeOf(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  let bestCount = 0;
  for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
  return best;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
