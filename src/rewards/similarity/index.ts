import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { failed, ok, unscorable } from "../../core/types.ts";
import { answerSourceOptions, answerText, noAnswerReason } from "../shared/answer.ts";
import { referenceStrings } from "../shared/normalize-text.ts";
import { sentenceBleu } from "./bleu.ts";
import { sentenceChrf } from "./chrf.ts";
import { editSimilarity } from "./edit.ts";
import { type RougeScore, rougeL, rougeN } from "./rouge.ts";
import { splitWhitespace, tokenizeRouge } from "./tokenize.ts";

const options = z.strictObject({
  ...answerSourceOptions,
  metric: z.enum(["bleu", "chrf", "rouge1", "rouge2", "rougeL", "edit"]).describe("bleu (sentence BLEU), chrf (chrF/chrF++), rouge1, rouge2, rougeL (F-measure), edit (1 - normalised edit distance)."),
  lowercase: z.boolean().default(false).describe("Lower-case both sides first (bleu, chrf, edit; ROUGE always lower-cases)."),
  tokenize: z.enum(["13a", "none"]).default("13a").describe("BLEU tokenisation: sacrebleu's \"13a\" or \"none\" (whitespace split)."),
  max_order: z.number().int().min(1).max(8).default(4).describe("bleu: the longest n-gram counted."),
  char_order: z.number().int().min(1).max(12).default(6).describe("chrF character n-gram order, word n-gram order (2 = chrF++) and \u03b2."),
  word_order: z.number().int().min(0).max(4).default(0).describe("chrf: word n-gram order (0: chrF, 2: chrF++)."),
  beta: z.number().positive().default(2).describe("chrf: recall weight of the F-score."),
  whitespace: z.boolean().default(false).describe("chrf: keep whitespace in the character n-grams."),
  measure: z.enum(["f", "precision", "recall"]).default("f").describe("Which ROUGE figure is the reward."),
  unit: z.enum(["char", "word"]).default("char").describe("Edit distance over Unicode characters or whitespace-separated words."),
});

type Options = z.output<typeof options>;

/**
 * ROUGE-L and edit distance fill an |a|·|b| table; above this many cells (about a second) the
 * record is an error instead of a stall. BLEU, chrF and ROUGE-N are linear.
 */
const MAX_TABLE_CELLS = 50_000_000;

class TooLongError extends Error {}

function checkTable(a: number, b: number, metric: string): void {
  if (a * b > MAX_TABLE_CELLS) throw new TooLongError(`too long for ${metric}: ${a} × ${b} units exceeds ${MAX_TABLE_CELLS.toLocaleString("en-US")} table cells`);
}

/** One metric over one prediction and its references, in 0..1. */
function metricFn(o: Options): (prediction: string, references: string[]) => number {
  const rougeFigure = (s: RougeScore) => (o.measure === "f" ? s.fmeasure : s[o.measure]);
  const bestOf = (f: (p: string, r: string) => number) => (p: string, refs: string[]) => {
    let best = 0;
    for (const r of refs) best = Math.max(best, f(p, r));
    return best;
  };
  switch (o.metric) {
    case "bleu":
      return (p, refs) => sentenceBleu(p, refs, { tokenize: o.tokenize, lowercase: o.lowercase, maxOrder: o.max_order });
    case "chrf":
      return (p, refs) => sentenceChrf(p, refs, { charOrder: o.char_order, wordOrder: o.word_order, beta: o.beta, lowercase: o.lowercase, whitespace: o.whitespace });
    case "rouge1":
      return bestOf((p, r) => rougeFigure(rougeN(tokenizeRouge(p), tokenizeRouge(r), 1)));
    case "rouge2":
      return bestOf((p, r) => rougeFigure(rougeN(tokenizeRouge(p), tokenizeRouge(r), 2)));
    case "rougeL":
      return bestOf((p, r) => {
        const [tp, tr] = [tokenizeRouge(p), tokenizeRouge(r)];
        checkTable(tp.length, tr.length, "rougeL");
        return rougeFigure(rougeL(tp, tr));
      });
    case "edit": {
      const units = (s: string) => {
        const t = o.lowercase ? s.toLowerCase() : s;
        return o.unit === "char" ? Array.from(t) : splitWhitespace(t);
      };
      return bestOf((p, r) => {
        const [up, ur] = [units(p), units(r)];
        checkTable(up.length, ur.length, "edit");
        return editSimilarity(up, ur);
      });
    }
  }
}

/** Why a reference cannot be scored with this metric, or undefined when it can. */
function unusableReference(refs: string[], o: Options): string | undefined {
  if (o.metric.startsWith("rouge") && refs.every((r) => tokenizeRouge(r).length === 0)) {
    return "the reference has no tokens under ROUGE tokenisation (ASCII letters and digits)";
  }
  if (o.metric !== "edit" && refs.every((r) => r.trim() === "")) return "the reference is empty";
  return undefined;
}

export const similarityReward = defineRewardType({
  type: "similarity",
  description: "text similarity to the reference: BLEU, chrF, ROUGE-1/2/L or normalized edit distance (0..1)",
  options,
  create(o, context) {
    const metric = metricFn(o);
    return perSample(context, (s) => {
      const refs = referenceStrings(s.reference);
      if (!refs) return unscorable("the reference must be a string or a list of strings");
      const bad = unusableReference(refs, o);
      if (bad) return unscorable(bad);
      const answer = answerText(completionText(s.completion), o.from_tag);
      if (answer === undefined) return ok(0, noAnswerReason(o.from_tag));
      try {
        return ok(metric(answer, refs));
      } catch (err) {
        if (err instanceof TooLongError) return failed(err.message);
        throw err;
      }
    });
  },
});
