import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { ok, unscorable } from "../../core/types.ts";
import { answerSourceOptions, answerText, noAnswerReason } from "../shared/answer.ts";
import { normalizeText, referenceStrings, textNormalizationOptions } from "../shared/normalize-text.ts";

const options = z.strictObject({ ...textNormalizationOptions, ...answerSourceOptions });

/** 1 when the (normalised) answer equals the reference, or any of a list of references; else 0. */
export const exactReward = defineRewardType({
  type: "exact",
  description: "answer equals the reference (normalisation: case, whitespace, punctuation)",
  options,
  create(o, context) {
    return perSample(context, (s) => {
      const refs = referenceStrings(s.reference);
      if (!refs) return unscorable("the reference must be a string or a list of strings");
      const answer = answerText(completionText(s.completion), o.from_tag);
      if (answer === undefined) return ok(0, noAnswerReason(o.from_tag));
      const a = normalizeText(answer, o);
      for (const r of refs) if (normalizeText(r, o) === a) return ok(1);
      return ok(0);
    });
  },
});
