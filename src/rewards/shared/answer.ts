import { z } from "zod";
import { completionText } from "../../core/text.ts";
import { ok, type RewardResult, type Sample, unscorable } from "../../core/types.ts";
import { referenceStrings } from "./normalize-text.ts";

/**
 * Where a text reward reads the answer: the whole completion (default), or the content of the last
 * `<tag>…</tag>` block (`from_tag: answer`), as in `<think>…</think><answer>…</answer>` outputs.
 */
export const answerSourceOptions = {
  from_tag: z
    .string()
    .regex(/^[A-Za-z][\w.-]*$/, "a tag name like answer")
    .optional()
    .describe("Read the answer from the last <tag>…</tag> block of the completion (e.g. answer); default: the whole completion."),
};

export function answerText(completion: string, fromTag: string | undefined): string | undefined {
  if (fromTag === undefined) return completion;
  const open = `<${fromTag}>`;
  const close = `</${fromTag}>`;
  const end = completion.lastIndexOf(close);
  if (end < 0) return undefined;
  const start = completion.lastIndexOf(open, end);
  if (start < 0) return undefined;
  return completion.slice(start + open.length, end);
}

export function noAnswerReason(fromTag: string | undefined): string {
  return `no <${fromTag}>…</${fromTag}> block`;
}

/**
 * A sample's answer scored against its reference strings: unscorable without string references,
 * 0 when the answer block is missing, otherwise what `score` makes of the answer and references.
 */
export function scoreAgainstReferences(s: Sample, fromTag: string | undefined, score: (answer: string, refs: string[]) => RewardResult): RewardResult {
  const refs = referenceStrings(s.reference);
  if (!refs) return unscorable("the reference must be a string or a list of strings");
  const answer = answerText(completionText(s.completion), fromTag);
  if (answer === undefined) return ok(0, noAnswerReason(fromTag));
  return score(answer, refs);
}
