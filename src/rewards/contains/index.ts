import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { ok, unscorable } from "../../core/types.ts";
import { answerSourceOptions, answerText, noAnswerReason } from "../shared/answer.ts";
import { normalizeText, referenceStrings, textNormalizationOptions } from "../shared/normalize-text.ts";

const options = z.strictObject({
  values: z.array(z.string().min(1)).min(1).optional().describe("Fixed strings to look for; without them, the record's reference (a string or a list)."),
  mode: z.enum(["any", "all", "fraction"]).default("any").describe("any: 1 if one is present; all: 1 if all are; fraction: share present."),
  negate: z.boolean().default(false).describe("Reward absence instead of presence (e.g. forbidden phrases)."),
  ...textNormalizationOptions,
  ...answerSourceOptions,
});

export const containsReward = defineRewardType({
  type: "contains",
  description: "answer contains the reference string(s) or fixed values (any / all / fraction)",
  options,
  create(o, context) {
    const fixed = o.values?.map((v) => normalizeText(v, o));
    // Every text contains "": an empty needle would reward any answer.
    if (fixed?.includes("")) throw new Error("values: a value is empty after normalisation, so every answer would contain it");
    return perSample(context, (s) => {
      const raw = fixed ?? referenceStrings(s.reference)?.map((v) => normalizeText(v, o));
      if (!raw) return unscorable("the reference must be a string or a list of strings");
      if (raw.includes("")) return unscorable("the reference is empty (after normalisation): every answer would contain it");
      const answer = answerText(completionText(s.completion), o.from_tag);
      if (answer === undefined) return ok(0, noAnswerReason(o.from_tag));
      const text = normalizeText(answer, o);
      let found = 0;
      const missing: string[] = [];
      for (const v of raw) {
        if (text.includes(v)) found++;
        else missing.push(v);
      }
      const share = found / raw.length;
      let reward = o.mode === "any" ? (found > 0 ? 1 : 0) : o.mode === "all" ? (found === raw.length ? 1 : 0) : share;
      if (o.negate) reward = o.mode === "fraction" ? 1 - share : 1 - reward;
      if (!o.negate && missing.length > 0 && reward < 1) return ok(reward, `missing: ${missing.slice(0, 3).map((m) => JSON.stringify(m)).join(", ")}`);
      return ok(reward);
    });
  },
});
