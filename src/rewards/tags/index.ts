import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { ok } from "../../core/types.ts";

const options = z.strictObject({
  tags: z.array(z.string().regex(/^[A-Za-z][\w.-]*$/, "a tag name like think")).min(1).default(["think", "answer"]).describe("The tags that must appear, in this order when `ordered`."),
  ordered: z.boolean().default(true).describe("The tags must appear in the listed order."),
  once: z.boolean().default(true).describe("Each tag exactly once."),
  nonempty: z.boolean().default(true).describe("Each block has non-whitespace content."),
  strict: z.boolean().default(false).describe("Nothing but whitespace outside the blocks."),
  score: z.enum(["binary", "partial"]).default("binary").describe("binary: 1 only if every check passes; partial: the share of checks that pass."),
});

type Options = z.output<typeof options>;

interface Check {
  passed: boolean;
  failure: string;
}

function indexesOf(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

/** The format checks for one completion, in a fixed order, so `partial` scores are comparable. */
export function tagChecks(text: string, o: Options): Check[] {
  const checks: Check[] = [];
  const spans: Array<[number, number]> = [];
  let previousEnd = -1;
  let previousTag = "";
  let orderOk = true;
  let orderFailure = "";
  for (const tag of o.tags) {
    const opens = indexesOf(text, `<${tag}>`);
    const closes = indexesOf(text, `</${tag}>`);
    const present = opens.length > 0 && closes.length > 0 && closes[closes.length - 1] > opens[0];
    checks.push({ passed: present, failure: `missing <${tag}>…</${tag}>` });
    if (o.once) checks.push({ passed: opens.length <= 1 && closes.length <= 1, failure: `<${tag}> appears more than once` });
    if (!present) {
      // Counted (so partial scores keep one denominator) but not repeated in the reason.
      if (o.nonempty) checks.push({ passed: false, failure: "" });
      continue;
    }
    const start = opens[0];
    const close = closes.find((c) => c > start)!;
    const end = close + tag.length + 3;
    spans.push([start, end]);
    if (o.nonempty) checks.push({ passed: text.slice(start + tag.length + 2, close).trim() !== "", failure: `empty <${tag}> block` });
    if (o.ordered && start < previousEnd && orderOk) {
      orderOk = false;
      orderFailure = `<${tag}> does not come after </${previousTag}>`;
    }
    previousEnd = end;
    previousTag = tag;
  }
  if (o.ordered) checks.push({ passed: orderOk, failure: orderFailure });
  if (o.strict) {
    spans.sort((a, b) => a[0] - b[0]);
    let outside = "";
    let at = 0;
    for (const [s, e] of spans) {
      if (s > at) outside += text.slice(at, s);
      at = Math.max(at, e);
    }
    outside += text.slice(at);
    checks.push({ passed: outside.trim() === "", failure: "text outside the tagged blocks" });
  }
  return checks;
}

export const tagsReward = defineRewardType({
  type: "tags",
  description: "format check for <think>…</think><answer>…</answer>-style outputs: presence, order, single occurrence",
  options,
  create(o, context) {
    return perSample(context, (s) => {
      const checks = tagChecks(completionText(s.completion), o);
      const failed = checks.filter((c) => !c.passed);
      if (failed.length === 0) return ok(1);
      const reward = o.score === "binary" ? 0 : (checks.length - failed.length) / checks.length;
      return ok(reward, failed.map((c) => c.failure).filter(Boolean).join("; "));
    });
  },
});
