import { z } from "zod";
import { messageText } from "../../core/text.ts";
import type { Sample } from "../../core/types.ts";
import type { ForcedToken } from "./http/teacher-force.ts";

/** What the logprob rewards share: how prompt and completion become the teacher-forced text, and reductions of token logprobs. */

export const templateField = z
  .string()
  .refine((t) => t.split("{completion}").length === 2, "the template must hold {completion} exactly once")
  .default("{prompt}{completion}")
  .describe("The text the model reads: {prompt} and {completion} replaced (write the model's chat template around them, e.g. <|im_start|>user\\n{prompt}<|im_end|>\\n<|im_start|>assistant\\n{completion}). {completion} must appear once.");

/** A prompt as plain text: the string, or the messages' texts joined by newlines. */
export function promptString(sample: Sample): string {
  const p = sample.prompt;
  if (typeof p === "string") return p;
  if (Array.isArray(p)) return p.map((m) => (m && typeof m === "object" ? messageText(m) : "")).join("\n");
  return "";
}

/** The template around a completion: the text before it (prompt filled in) and after it. */
export function around(template: string, prompt: string): { before: string; after: string } {
  const [head, tail] = template.split("{completion}");
  const fill = (s: string) => s.replace(/\{prompt\}/g, () => prompt);
  return { before: fill(head), after: fill(tail) };
}

export const REDUCTIONS = ["sum", "mean", "mean_prob", "min_prob"] as const;
export type Reduction = (typeof REDUCTIONS)[number];

/** sum or mean of the logprobs, mean probability (RLPR), or the smallest probability. At least one value. */
export function reduce(logprobs: readonly number[], how: Reduction): number {
  let s = 0;
  if (how === "min_prob") {
    let m = Infinity;
    for (const v of logprobs) if (v < m) m = v;
    return Math.exp(m);
  }
  for (const v of logprobs) s += how === "mean_prob" ? Math.exp(v) : v;
  return how === "sum" ? s : s / logprobs.length;
}

/** The logprobs of span tokens, or why there are none to use. */
export function spanLogprobs(tokens: readonly ForcedToken[], what: string): number[] | string {
  if (tokens.length === 0) return `the ${what} covers no tokens`;
  const out: number[] = [];
  for (const t of tokens) {
    if (t.logprob === null) return `the ${what} starts the text, so its first token has no logprob (give a prompt)`;
    out.push(t.logprob);
  }
  return out;
}
