import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { ok, unscorable } from "../../core/types.ts";
import { answerSourceOptions, answerText, noAnswerReason } from "../shared/answer.ts";
import { linearRefusal } from "../shared/linear-regex.ts";
import { normalizeText, referenceStrings, textNormalizationOptions } from "../shared/normalize-text.ts";

const FLAGS = /^[imsu]*$/;

const options = z
  .strictObject({
    pattern: z.string().min(1).describe("The regular expression (JavaScript syntax)."),
    flags: z.string().regex(FLAGS, "flags from i, m, s, u").default("").describe("JavaScript regex flags: i (case), m (multiline), s (dot matches newline), u (unicode)."),
    mode: z.enum(["match", "count", "extract"]).default("match").describe("match: 1 when the pattern matches; count: the number of matches (capped by max_count, times per_match); extract: the captured group of the first/last match compared with the reference."),
    full: z.boolean().default(false).describe("match mode: the pattern must match the whole answer, not just part of it."),
    max_count: z.number().int().positive().optional().describe("count: the most matches that count."),
    per_match: z.number().finite().default(1).describe("count: the reward of each match."),
    group: z.union([z.number().int().min(0), z.string().min(1)]).optional().describe("extract mode: capture group number or name (default: 1 if the pattern has groups, else the whole match)."),
    occurrence: z.enum(["first", "last"]).default("last").describe("extract: use the first or the last match."),
    engine: z.enum(["auto", "linear"]).default("auto").describe("auto: any pattern (those the linear-time engine supports fall back to it on heavy backtracking); linear: refuse patterns without that bound, so no completion can stall scoring."),
    ...textNormalizationOptions,
    ...answerSourceOptions,
  })
  .superRefine((o, ctx) => {
    try {
      new RegExp(o.pattern, o.flags);
    } catch (err) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `a valid JavaScript regular expression (${(err as Error).message})` });
      return;
    }
    if (o.group !== undefined) {
      // An empty-alternative match lists every group: their number and names.
      const probe = new RegExp(`${o.pattern}|`, o.flags).exec("")!;
      const names = Object.keys(probe.groups ?? {});
      if (typeof o.group === "number" ? o.group > probe.length - 1 : !names.includes(o.group)) {
        const has = `the pattern has ${probe.length - 1} group${probe.length === 2 ? "" : "s"}${names.length ? ` (named ${names.join(", ")})` : ""}`;
        ctx.addIssue({ code: "custom", path: ["group"], message: `a group of the pattern (${has})` });
      }
    }
    const refusal = o.engine === "linear" ? linearRefusal(o.pattern, o.flags) : undefined;
    if (refusal) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `a pattern with a linear-time fallback (engine: linear): no backreferences, lookaround, or i/u flags (${refusal})` });
    }
  });

export const regexReward = defineRewardType({
  type: "regex",
  description: "regular expression: match, count matches, or extract an answer and compare it with the reference",
  options,
  create(o, context) {
    const source = o.full && o.mode === "match" ? `^(?:${o.pattern})$` : o.pattern;
    const single = new RegExp(source, o.flags);
    const global = new RegExp(source, `${o.flags}g`);
    const hasGroups = new RegExp(`${o.pattern}|`, o.flags).exec("")!.length > 1;
    const group = o.group ?? (hasGroups ? 1 : 0);

    return perSample(context, (s) => {
      const text = answerText(completionText(s.completion), o.from_tag);
      if (text === undefined) return ok(0, noAnswerReason(o.from_tag));
      if (o.mode === "match") return single.test(text) ? ok(1) : ok(0, "pattern did not match");
      if (o.mode === "count") {
        let count = 0;
        global.lastIndex = 0;
        for (let m = global.exec(text); m; m = global.exec(text)) {
          count++;
          if (m[0] === "") global.lastIndex++;
          if (o.max_count !== undefined && count >= o.max_count) break;
        }
        return ok(count * o.per_match);
      }
      const refs = referenceStrings(s.reference);
      if (!refs) return unscorable("the reference must be a string or a list of strings");
      let match: RegExpExecArray | null = null;
      if (o.occurrence === "first") match = single.exec(text);
      else {
        global.lastIndex = 0;
        for (let m = global.exec(text); m; m = global.exec(text)) {
          match = m;
          if (m[0] === "") global.lastIndex++;
        }
      }
      if (!match) return ok(0, "pattern did not match: no answer extracted");
      const captured = typeof group === "number" ? match[group] : match.groups?.[group];
      if (captured === undefined) return ok(0, `group ${group} did not capture`);
      const a = normalizeText(captured, o);
      for (const r of refs) if (normalizeText(r, o) === a) return ok(1);
      return ok(0, `extracted ${JSON.stringify(captured.slice(0, 80))}`);
    });
  },
});
