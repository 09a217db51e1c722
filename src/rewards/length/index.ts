import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { ok, unscorable } from "../../core/types.ts";

const count = z.number().finite().min(0);

const options = z
  .strictObject({
    form: z.enum(["overlong", "target", "range"]).describe("overlong: DAPO's soft overlong penalty (0 up to max - buffer, then linear down to -1 at max, -1 beyond); target: 1 at the target length, falling linearly to 0 at `scale` beyond the tolerance; range: 1 inside [min, max], `outside` elsewhere."),
    unit: z.enum(["chars", "words", "field"]).default("chars").describe("chars (Unicode code points), words (whitespace-separated), or field (a count the record carries, e.g. token length)."),
    field: z.string().min(1).optional().describe("unit: field \u2014 the record field holding the length (e.g. response_length)."),
    max: count.optional().describe("overlong: the length at which the penalty reaches -1; range: the upper bound."),
    min: count.optional().describe("range: the lower bound."),
    buffer: count.optional().describe("overlong: the band below max over which the penalty grows linearly from 0 to -1."),
    target: count.optional().describe("target: the length that gets reward 1."),
    tolerance: count.default(0).describe("target: distance from the target that still gets 1."),
    scale: z.number().finite().positive().optional().describe("target: distance beyond the tolerance at which the reward reaches 0."),
    outside: z.number().finite().default(0).describe("range: the reward of a length outside [min, max]."),
  })
  .superRefine((o, ctx) => {
    const need = (key: "max" | "buffer" | "target" | "scale", why: string) => {
      if (o[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: `a number (${why})` });
    };
    if (o.form === "overlong") {
      need("max", "form overlong needs max");
      need("buffer", "form overlong needs buffer");
      if (o.max !== undefined && o.buffer !== undefined && (o.buffer <= 0 || o.buffer > o.max)) {
        ctx.addIssue({ code: "custom", path: ["buffer"], message: "a number > 0 and <= max" });
      }
    }
    if (o.form === "target") {
      need("target", "form target needs target");
      need("scale", "form target needs scale, the distance at which the reward reaches 0");
    }
    if (o.form === "range" && o.min === undefined && o.max === undefined) {
      ctx.addIssue({ code: "custom", path: ["max"], message: "min and/or max (form range)" });
    }
    if (o.form === "range" && o.min !== undefined && o.max !== undefined && o.min > o.max) {
      ctx.addIssue({ code: "custom", path: ["max"], message: `a number >= min (${o.min}): no length would be inside the range` });
    }
    if (o.unit === "field" && !o.field) ctx.addIssue({ code: "custom", path: ["field"], message: "the name of the length field (unit: field)" });
  });

type Options = z.output<typeof options>;

/** DAPO's soft overlong punishment, in the paper's notation: L_max = max, L_cache = buffer. */
export function overlongPenalty(length: number, max: number, buffer: number): number {
  if (length <= max - buffer) return 0;
  if (length <= max) return (max - buffer - length) / buffer;
  return -1;
}

function rewardForLength(length: number, o: Options): number {
  switch (o.form) {
    case "overlong":
      return overlongPenalty(length, o.max!, o.buffer!);
    case "target": {
      const excess = Math.max(0, Math.abs(length - o.target!) - o.tolerance);
      return Math.max(0, 1 - excess / o.scale!);
    }
    case "range":
      return (o.min === undefined || length >= o.min) && (o.max === undefined || length <= o.max) ? 1 : o.outside;
  }
}

function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x3000;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

function countChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

export const lengthRewardType = defineRewardType({
  type: "length",
  description: "length shaping: DAPO overlong penalty, target length, or allowed range (chars, words, or a token count field)",
  options,
  create(o, context) {
    return perSample(context, (s) => {
      let length: number;
      if (o.unit === "field") {
        const v = s.meta?.[o.field!];
        if (typeof v !== "number" || !Number.isFinite(v)) return unscorable(`field "${o.field}" must hold a number`);
        if (v < 0) return unscorable(`field "${o.field}" must hold a length (a number >= 0), found ${v}`);
        length = v;
      } else {
        const text = completionText(s.completion);
        length = o.unit === "chars" ? countChars(text) : countWords(text);
      }
      return ok(rewardForLength(length, o), `length ${length} ${o.unit === "field" ? o.field : o.unit}`);
    });
  },
});
