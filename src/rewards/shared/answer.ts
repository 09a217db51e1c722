import { z } from "zod";

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
