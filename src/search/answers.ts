import { normalizeText } from "../rewards/shared/normalize-text.ts";

const FOLD = { ignore_case: true, collapse_whitespace: true, ignore_punctuation: true };
import { finalMathAnswer, sameMathAnswer } from "../rewards/math/index.ts";

/**
 * How votes decide that two answers are the same: `math` (the math verifier's extraction and
 * equivalence: 0.5 = 1/2), `exact` (the answer text as written), `normalized` (case, spaces and
 * punctuation folded), or a regex whose first group (or whole match) is the answer, compared after
 * normalisation.
 */
export type AnswerMatch = "math" | "exact" | "normalized" | { regex: string };

/** Groups answers into classes of the same final answer, in order of first appearance. */
export class AnswerClasses {
  private readonly match: AnswerMatch;
  private readonly regex: RegExp | undefined;
  /** Each class: its representative answer and the indices of its members. */
  readonly classes: Array<{ answer: string; members: number[] }> = [];
  /** Indices of completions with no readable final answer (they vote for nothing). */
  readonly unread: number[] = [];

  constructor(match: AnswerMatch) {
    this.match = match;
    this.regex = typeof match === "object" ? new RegExp(match.regex) : undefined;
  }

  /** The final answer of a completion (undefined: none). */
  answerOf(completion: string): string | undefined {
    if (this.match === "math") return finalMathAnswer(completion);
    if (this.regex) {
      let last: RegExpExecArray | undefined;
      const global = new RegExp(this.regex.source, this.regex.flags.includes("g") ? this.regex.flags : this.regex.flags + "g");
      for (let m = global.exec(completion); m; m = global.exec(completion)) {
        last = m;
        if (m[0] === "") global.lastIndex++;
      }
      if (!last) return undefined;
      return normalizeText(last[1] ?? last[0], FOLD);
    }
    const text = completion.trim();
    if (text === "") return undefined;
    return this.match === "exact" ? text : normalizeText(text, FOLD);
  }

  /** Add completion `index`; returns its class index, or -1 when it has no answer. */
  add(index: number, completion: string): number {
    const answer = this.answerOf(completion);
    if (answer === undefined) {
      this.unread.push(index);
      return -1;
    }
    for (let k = 0; k < this.classes.length; k++) {
      if (this.same(this.classes[k].answer, answer)) {
        this.classes[k].members.push(index);
        return k;
      }
    }
    this.classes.push({ answer, members: [index] });
    return this.classes.length - 1;
  }

  private same(a: string, b: string): boolean {
    if (this.match === "math") return a === b || sameMathAnswer(a, b);
    return a === b;
  }
}
