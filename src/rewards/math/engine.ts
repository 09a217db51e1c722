import type { RewardResult } from "../../core/types.ts";
import type { Node } from "./ast.ts";
import { type CompareOptions, equivalent, statesExactBeforeApprox, writesDecimal } from "./compare.ts";
import { type Candidate, candidates, DEFAULT_PRIORITY, type ExtractionRule, lastBoxedGroup, lastNumber, mathSegments, unclosedLastBox } from "./extract.ts";
import { LIMITS } from "./limits.ts";
import { LimitError, parseAnswer, ProseError, UnsupportedError } from "./parse.ts";

export interface MathOptions extends CompareOptions {
  /** Extraction rules tried in order on the completion. */
  priority: readonly ExtractionRule[];
  /** The completion is the answer itself (no extraction). */
  answerOnly: boolean;
  /** Plain numbers may use a decimal comma ("2,5"). */
  decimalComma: boolean;
}

export const DEFAULT_MATH_OPTIONS: MathOptions = {
  tolerance: 1e-6,
  strict: true,
  rounding: "strict",
  priority: DEFAULT_PRIORITY,
  answerOnly: false,
  decimalComma: false,
};

/** Score one (completion, reference) pair in-process. Never throws. */
export function scoreMath(completion: string, reference: string | readonly string[] | undefined, o: MathOptions = DEFAULT_MATH_OPTIONS): RewardResult {
  if (typeof reference !== "string" && reference !== undefined) return scoreAlternatives(completion, reference, o);
  if (reference === undefined || reference.trim() === "") return { reward: null, status: "unscorable", reason: "no reference" };
  const gold = referenceAnswer(reference, o);
  if (typeof gold === "string") return { reward: null, status: "unscorable", reason: gold };
  if (gold.letter) return scoreChoice(completion, gold.letter, o);
  const found: Iterable<Candidate> = o.answerOnly ? [{ rule: "whole", text: completion.trim(), context: completion }] : candidates(completion, o);
  let firstError = "";
  for (const c of found) {
    if (c.text.trim() === "") continue;
    let pred: Node;
    try {
      pred = parseAnswer(o.decimalComma ? decimalCommaNumber(c.text) : c.text);
    } catch (err) {
      if (err instanceof ProseError) continue;
      if (err instanceof LimitError) return { reward: null, status: "error", reason: `${c.rule} answer rejected: ${err.message}` };
      // The answer was found but is written in a notation we do not read: 0, and say so (a later
      // candidate such as its last number would be judged for the wrong reason).
      if (err instanceof UnsupportedError) return { reward: 0, status: "ok", reason: `${c.rule} answer "${clip(c.text)}" not read: ${err.message}` };
      firstError ||= `${c.rule} answer "${clip(c.text)}" could not be parsed: ${(err as Error).message}`;
      // A box or "####" line is the answer the model committed to: the later rules would only read
      // a number out of it (`\boxed{4 \\ 5}` is not 5).
      if (c.rule === "boxed" || c.rule === "gsm8k") break;
      continue;
    }
    // "≈ 1.41" for \sqrt{2}: an answer the model itself calls approximate counts only if it is the exact value.
    const approximate = o.rounding === "strict" && APPROXIMATE.test(c.context) && !statesExactBeforeApprox(pred) && !writesDecimal(gold.node!);
    try {
      const same = equivalent(gold.node!, pred, approximate ? { ...o, tolerance: EXACT_TOLERANCE, rounding: "strict" } : o);
      const why = same ? "" : approximate ? " (an approximation; the reference is exact)" : " (not equivalent)";
      return { reward: same ? 1 : 0, status: "ok", reason: `${c.rule}: ${clip(c.text)}${why}` };
    } catch (err) {
      return { reward: 0, status: "ok", reason: `${c.rule} answer too complex to compare: ${(err as Error).message}` };
    }
  }
  return { reward: 0, status: "ok", reason: firstError || "no final answer" };
}

/** Words and signs that mark a value as approximate. */
const APPROXIMATE = /≈|≃|\\approx|\\simeq|\bapprox(?:imately|\.)?(?![a-z])|\b(?:about|roughly|nearly|around)\s+[-$\\\d.]/i;

/** Floating-point agreement that only the exact value reaches. */
const EXACT_TOLERANCE = 1e-12;

/** Several accepted references: 1 if any matches; unscorable only if none can be read. */
function scoreAlternatives(completion: string, references: readonly string[], o: MathOptions): RewardResult {
  let first: RewardResult | undefined;
  for (const ref of references) {
    const r = scoreMath(completion, ref, o);
    if (r.status === "ok" && r.reward === 1) return r;
    if (r.status === "error") return r;
    if (!first || (first.status !== "ok" && r.status === "ok")) first = r;
  }
  return first ?? { reward: null, status: "unscorable", reason: "no reference" };
}

type Gold = { node: Node; letter?: undefined } | { letter: string; node?: undefined };

/** The reference's answer: its boxed part (an unclosed last box runs to the end), else the whole text, else its last math or number. */
function referenceAnswer(reference: string, o: MathOptions): Gold | string {
  const boxed = unclosedLastBox(reference) ?? lastBoxedGroup(reference);
  const texts = boxed !== undefined ? [boxed] : [];
  // GSM8K references: a worked solution ending in "#### 72".
  const hashes = reference.lastIndexOf("####");
  if (hashes >= 0) texts.push(reference.slice(hashes + 4).trim());
  if (reference.length <= LIMITS.maxAnswerChars) texts.push(reference);
  const envs = mathSegments(reference);
  if (envs.length) texts.push(envs[envs.length - 1].inner);
  let error: string | undefined;
  let prose = reference.length > LIMITS.maxAnswerChars;
  for (const t of texts) {
    const letter = choiceLetter(t);
    if (letter) return { letter };
    try {
      return { node: parseAnswer(o.decimalComma ? decimalCommaNumber(t) : t) };
    } catch (err) {
      if (err instanceof ProseError) prose = true;
      error ??= `reference could not be parsed: ${(err as Error).message}`;
    }
  }
  // A worked solution without a box or math: its last number.
  const n = prose ? lastNumber(reference, o.decimalComma) : undefined;
  if (n !== undefined) return { node: parseAnswer(n) };
  return error ?? "reference has no answer";
}

/** "2,74" (also "$2,74$") is 2.74 with decimal commas; anything else is left as it is. */
function decimalCommaNumber(text: string): string {
  const m = /^[\s$]*(-?(?:0,\d+|\d+,(?:\d{1,2}|\d{4,})))[\s$]*$/.exec(text);
  return m ? m[1].replace(",", ".") : text;
}

/** "C", "(C)", "\text{C}", "$\text{(C)}$" → "C". */
function choiceLetter(text: string): string | undefined {
  const m = /^[\s$]*(?:\\(?:text|textbf|mathrm)\s*\{\s*)?\(?\s*([A-J])\s*\)?\s*\}?[\s$.]*$/.exec(text);
  return m?.[1];
}

/** Multiple choice: find the letter the completion picked. */
function scoreChoice(completion: string, letter: string, o: MathOptions): RewardResult {
  const picked = o.answerOnly ? pickWhole(completion) : pickChoice(completion);
  if (!picked) {
    // No letter: the answer given instead still has to respect the bounds.
    const first = o.answerOnly ? { rule: "whole", text: completion } : candidates(completion, o).next().value;
    if (first) {
      try {
        parseAnswer(first.text);
      } catch (err) {
        if (err instanceof LimitError) return { reward: null, status: "error", reason: `${first.rule} answer rejected: ${err.message}` };
      }
    }
    return { reward: 0, status: "ok", reason: "no final answer (choice letter)" };
  }
  const same = picked.letter === letter;
  return { reward: same ? 1 : 0, status: "ok", reason: `${picked.rule}: ${picked.letter}${same ? "" : " (not equivalent)"}` };
}

function pickWhole(text: string): { rule: string; letter: string } | undefined {
  const l = choiceLetter(text.trim());
  return l ? { rule: "whole", letter: l } : undefined;
}

/** A second letter after the first ("C or D", "C, D", "C/D"): a hedge, which matches no single letter. */
const SECOND_LETTER = String.raw`(\s*\)?\s*(?:,|\/|&|\bor\b|\band\b|\\text\s*\{\s*(?:or|and)\s*\})\s*\(?\s*[A-J]\b(?![a-z']))?`;
const BOXED_LETTER = new RegExp(String.raw`^[\s$]*(?:\\(?:text|textbf|mathrm)\s*\{\s*)?\(?\s*([A-J])\b` + SECOND_LETTER);
const ANSWER_LETTER = new RegExp(String.raw`\b(?:[Aa]nswer|ANSWER|[Oo]ption|[Cc]hoice)\s*(?:is|:)?\s*[:：]?\s*(?:\*\*)?\s*\(?([A-J])\b(?![a-z'])` + SECOND_LETTER, "g");

function pickChoice(completion: string): { rule: string; letter: string } | undefined {
  const text = completion.length > LIMITS.maxCompletionChars ? completion.slice(-LIMITS.maxCompletionChars) : completion;
  const boxed = lastBoxedGroup(text);
  if (boxed !== undefined) {
    const m = BOXED_LETTER.exec(boxed);
    if (m) return { rule: "boxed", letter: m[1] + (m[2] ?? "") };
  }
  // "Answer: A. Option C is wrong.": an answer phrase outranks a mention of an option.
  let answer: string | undefined;
  let option: string | undefined;
  for (const m of text.matchAll(ANSWER_LETTER)) {
    if (/^answer/i.test(m[0])) answer = m[1] + (m[2] ?? "");
    else option = m[1] + (m[2] ?? "");
  }
  const said = answer ?? option;
  if (said) return { rule: "answer", letter: said };
  const whole = pickWhole(text.replace(/\*\*/g, "").replace(/\\boxed\{|\}/g, ""));
  if (whole) return whole;
  let last: string | undefined;
  for (const m of text.matchAll(/\(([A-J])\)|^\s*\**([A-J])[.)]\**\s*$/gm)) last = m[1] ?? m[2];
  return last ? { rule: "letter", letter: last } : undefined;
}

function clip(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 80 ? t.slice(0, 77) + "..." : t;
}
