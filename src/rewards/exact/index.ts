import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { ok } from "../../core/types.ts";
import { answerSourceOptions, scoreAgainstReferences } from "../shared/answer.ts";
import { normalizeText, textNormalizationOptions } from "../shared/normalize-text.ts";

const options = z.strictObject({ ...textNormalizationOptions, ...answerSourceOptions });

/** 1 when the (normalised) answer equals the reference, or any of a list of references; else 0. */
export const exactReward = defineRewardType({
  type: "exact",
  description: "answer equals the reference (normalisation: case, whitespace, punctuation)",
  options,
  create(o, context) {
    return perSample(context, (s) =>
      scoreAgainstReferences(s, o.from_tag, (answer, refs) => {
        const a = normalizeText(answer, o);
        return ok(refs.some((r) => normalizeText(r, o) === a) ? 1 : 0);
      }),
    );
  },
});
