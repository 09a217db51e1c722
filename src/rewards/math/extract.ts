import { LIMITS } from "./limits.ts";

/** Extraction rules, in the default order they are tried. */
export const EXTRACTION_RULES = ["final_answer", "boxed", "answer", "gsm8k", "bold", "math", "whole", "last_number"] as const;
export type ExtractionRule = (typeof EXTRACTION_RULES)[number];
export const DEFAULT_PRIORITY: readonly ExtractionRule[] = EXTRACTION_RULES;

export interface Candidate {
  rule: ExtractionRule;
  /** The answer as taken (what `reason` reports). */
  text: string;
  /** The answer with the few characters written just before it ("\\approx \\boxed{1.41}"), to see how it was stated. */
  context: string;
}

export interface ExtractOptions {
  priority: readonly ExtractionRule[];
  /** "2,5" is two and a half (plain numbers only). */
  decimalComma: boolean;
}

/**
 * Candidate answers of a completion, best first: for each rule in priority order, what it found.
 * Lazy: the caller parses them in order and stops at the first that parses, so later rules
 * usually never run.
 */
export function* candidates(completion: string, o: ExtractOptions): Generator<Candidate> {
  const text = completion.length > LIMITS.maxCompletionChars ? completion.slice(-LIMITS.maxCompletionChars) : completion;
  for (const rule of o.priority) {
    for (const t of RULES[rule](text, o)) yield { rule, text: t, context: withLeadIn(text, t) };
  }
}

type Rule = (text: string, o: ExtractOptions) => string[];

const LEAD_IN = 24;

/** The candidate with the characters before its last occurrence in the text (itself when it is not found verbatim). */
function withLeadIn(text: string, candidate: string): string {
  const at = text.lastIndexOf(candidate);
  return at < 0 ? candidate : text.slice(Math.max(0, at - LEAD_IN), at + candidate.length);
}

const RULES: Record<ExtractionRule, Rule> = {
  // The whole completion, when it is short enough to be just an answer.
  whole: (t) => (t.trim() && t.length <= LIMITS.maxAnswerChars ? [t.trim()] : []),
  boxed: (t) => {
    const b = lastBoxedGroup(t);
    return b === undefined ? [] : [b];
  },
  // "Final answer: …" counts only when it comes after the last box (a later box is a correction).
  final_answer: (t) => {
    const last = lastPhrase(t, FINAL_PHRASE);
    if (!last) return [];
    const boxes = boxedSpans(t);
    if (boxes.length && boxes[boxes.length - 1].start > last.index) return [];
    return phraseCandidates(t, last);
  },
  answer: (t) => {
    const last = lastPhrase(t, ANSWER_PHRASE);
    return last ? phraseCandidates(t, last) : [];
  },
  gsm8k: (t) => {
    const i = t.lastIndexOf("####");
    if (i < 0) return [];
    const line = t.slice(i + 4).split("\n")[0].trim();
    return line ? [line] : [];
  },
  bold: (t) => {
    const matches = [...t.matchAll(/\*\*([^*\n]{1,200})\*\*/g)];
    const last = matches[matches.length - 1]?.[1];
    if (!last) return [];
    const inner = last.replace(/^\s*(?:final\s+)?answer\s*[:：]?\s*/i, "").trim();
    return inner ? [inner] : [];
  },
  // The last math segment, unless a plain number is written after it (then last_number decides).
  math: (t, o) => {
    const envs = mathSegments(t);
    if (!envs.length) return [];
    const after = t.slice(envs[envs.length - 1].end);
    if (lastNumber(after, o.decimalComma) !== undefined && !APPROXIMATE_RESTATEMENT.test(after)) return [];
    return [joinedTail(t, envs)];
  },
  last_number: (t, o) => {
    const n = lastNumber(t, o.decimalComma);
    return n === undefined ? [] : [n];
  },
};

interface Span {
  start: number;
  end: number;
  inner: string;
}

/** Every \boxed{…} / \fbox{…} with its brace-balanced content, in one linear pass. */
export function boxedSpans(text: string): Span[] {
  const spans: Span[] = [];
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let m: RegExpExecArray | null;
  let resumeAt = 0;
  while ((m = re.exec(text))) {
    if (m.index < resumeAt) continue;
    const open = m.index + m[0].length - 1;
    const close = matchBrace(text, open);
    if (close < 0) break;
    spans.push({ start: m.index, end: close + 1, inner: text.slice(open + 1, close) });
    // Nested boxes are part of the outer content; continue after it.
    resumeAt = close + 1;
    re.lastIndex = close + 1;
  }
  return spans;
}

/**
 * The content of a last `\boxed{` that is never closed (a reference cut short or missing its
 * brace): the rest of the text. Undefined when the last box is closed or there is none.
 */
export function unclosedLastBox(text: string): string | undefined {
  let last = -1;
  for (const m of text.matchAll(/\\(?:boxed|fbox)\s*\{/g)) last = m.index + m[0].length - 1;
  if (last < 0 || matchBrace(text, last) >= 0) return undefined;
  return text.slice(last + 1);
}

/** Index of the brace closing the one at `open`, or -1. Linear. */
function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return j;
  }
  return -1;
}

/** The last boxed answer, joined with the boxes just before it when only connectives separate them. */
export function lastBoxedGroup(text: string): string | undefined {
  const spans = boxedSpans(text);
  if (spans.length === 0) return undefined;
  return joinedTail(text, spans);
}

function joinedTail(text: string, spans: Span[]): string {
  let first = spans.length - 1;
  while (first > 0 && joinable(text.slice(spans[first - 1].end, spans[first].start))) first--;
  return spans.slice(first).map((s) => s.inner).join(", ");
}

/** Text between two answers that only connects them: ", ", " and ", "\quad \text{and} \quad". */
function joinable(gap: string): boolean {
  if (gap.length > 80) return false;
  const g = gap
    .replace(/\\text\w*\s*\{([^{}]*)\}/g, " $1 ")
    .replace(/\\(?:quad|qquad|[,;:! ]|\(|\)|\[|\])|\$/g, " ")
    .trim();
  if (g === "") return true;
  const words = g.match(/[A-Za-z]+/g) ?? [];
  const others = words.filter((w) => !/^(and|or)$/i.test(w));
  // Symbols alone (", ", " + ", "++") join; "and"/"or" may come with a few words ("papers and").
  if (words.length === others.length) return others.length === 0 && g.length <= 12 && !/\d/.test(g);
  return others.length <= 3 && g.length <= 40;
}

/** `$…$`, `$$…$$`, `\(…\)`, `\[…\]` segments (inline ones stay on one line), in order. */
export function mathSegments(text: string): Span[] {
  const out: Span[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\\" && (text[i + 1] === "(" || text[i + 1] === "[")) {
      const closer = text[i + 1] === "(" ? "\\)" : "\\]";
      const end = text.indexOf(closer, i + 2);
      if (end < 0) break;
      const inner = text.slice(i + 2, end);
      if (closer === "\\]" || !inner.includes("\n")) out.push({ start: i, end: end + 2, inner });
      i = end + 2;
      continue;
    }
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (c === "$") {
      const display = text[i + 1] === "$";
      const from = i + (display ? 2 : 1);
      let end = from;
      for (; end < n; end++) {
        if (text[end] === "\\") end++;
        else if (text[end] === "$") break;
      }
      if (end >= n) break;
      const inner = text.slice(from, end);
      const closeLen = display && text[end + 1] === "$" ? 2 : 1;
      if (display || !inner.includes("\n")) {
        // "$12$ cm$^2$": a segment that only continues the previous one (an exponent) is no answer.
        if (inner.trim() && !/^\s*[\^_]/.test(inner)) out.push({ start: i, end: end + closeLen, inner });
        i = end + closeLen;
      } else i = from;
      continue;
    }
    i++;
  }
  return out;
}

const FINAL_PHRASE = /\bfinal\s+answer(?:\s+is)?\s*[:：]?\s*/gi;
// Also the markup forms "**Answer**: …", "**Answer** …" and a heading "### Answer".
const ANSWER_PHRASE = /\b(?:(?:the\s+)?answer\s+is|answer\s*[:：]|answer\s*(?:\*\*|__)\s*[:：]?)\s*[:：]?\s*|^#{1,6}[ \t]*(?:final[ \t]+)?answer[ \t]*[:：]?[ \t]*$/gim;
const CLOSING = /\s*(?:I hope it is correct|I hope this is correct|Hope this helps|<\|im_(?:start|end)\|>).*$/is;

function lastPhrase(text: string, re: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(re)) last = m as RegExpExecArray;
  return last;
}

/** What follows an answer phrase on its paragraph: its box, math, the part after " is ", or its last number. */
function phraseCandidates(text: string, phrase: RegExpExecArray): string[] {
  const from = phrase.index + phrase[0].length;
  let seg = text.slice(from, from + 600);
  // "**Answer:**\n\n$(2, 3)$": a phrase alone on its paragraph is answered by the next one.
  const paragraphs = seg.split(/\n\s*\n/);
  seg = (/^[:：*_\s]*$/.test(paragraphs[0]) && paragraphs.length > 1 ? paragraphs[1] : paragraphs[0]).replace(CLOSING, "").trim();
  // "The answer is $\frac12$.\nNote that $\frac12 < 1$.": the answer is the first line with content,
  // unless that line opens display math or the lines are joined by a connective ("3\nor 4", "3,\n4").
  let lines = seg.split("\n");
  // "**Answer:**\n- x = 2\n- y = -3": a bulleted list is one answer, its items joined.
  const body = lines.filter((l) => !/^[:：*_\s]*$/.test(l));
  if (body.length > 1 && body.every((l) => BULLET.test(l))) lines = [body.map((l) => l.replace(BULLET, "").trim()).join(", ")];
  const k = lines.findIndex((l) => !/^[:：*\s]*$/.test(l));
  const joined = k >= 0 && (/(?:\bor|\band|[,;+\-=])\s*$/i.test(lines[k]) || /^\s*(?:or\b|and\b|[,;+\-=])/i.test(lines[k + 1] ?? ""));
  if (k >= 0 && !joined && !/\\\[\s*$|\$\$\s*$/.test(lines[k])) seg = lines[k].trim();
  // "**Answer:** (2, 3)": the bold markup around the phrase is not part of the answer.
  seg = firstSentence(seg.replace(/^[*_]+\s*/, "")).replace(/\s*[*_]+$/, "");
  // "18, not 20", "18, since 6 · 3 = 18": a justification after a comma is not part of the answer.
  seg = seg.replace(/,\s+(?:not|since|because|as|which|so|given|where)\b[\s\S]*$/i, "");
  if (!seg) return [];
  const out: string[] = [];
  const envs = mathSegments(seg);
  const boxed = lastBoxedGroup(seg);
  if (boxed !== undefined) out.push(boxed);
  // "The largest $n$ is 34": the part after the last " is ".
  const is = seg.lastIndexOf(" is ");
  const tail = is >= 0 ? seg.slice(is + 4) : seg;
  const tailEnvs = mathSegments(tail);
  if (tailEnvs.length) out.push(joinedTail(tail, tailEnvs));
  const bare = tail.replace(/[.。]\s*$/, "").trim();
  if (bare && !/[A-Za-z]{3,}\s+[A-Za-z]{3,}/.test(bare.replace(/\\[A-Za-z]+/g, ""))) out.push(bare);
  if (envs.length) out.push(joinedTail(seg, envs));
  const n = lastNumber(tail, false);
  if (n !== undefined) out.push(n);
  return out;
}

/**
 * "18. Let's check: 18 + 2 = 20": the answer statement ends at the first full stop (outside math)
 * that a new sentence follows; the check after it is not the answer.
 */
function firstSentence(seg: string): string {
  for (const m of seg.matchAll(/[.!?](?=\s+(?:[A-Z\d]|\$|\\\(|\\\[))/g)) {
    const before = seg.slice(0, m.index);
    if ((before.match(/(?<!\\)\$/g) ?? []).length % 2 === 0 && before.lastIndexOf("\\(") <= before.lastIndexOf("\\)")) return before;
  }
  return seg;
}

/** Text after an answer that only restates it approximately: "$\\frac27$, which is about 0.29." */
const APPROXIMATE_RESTATEMENT = /^(?=[\s\S]{0,200}$)[^\d]*?(?:≈|\\approx|\bapprox\w*|\babout\b|\broughly\b|\bnearly\b|\baround\b)[^\d]{0,15}[\d.,]+[^\d]*$/i;
/** A gap between two numbers that makes the second an approximation of the first ("2/7, about 0.29"). */
const APPROXIMATE_BEFORE = /(?:≈|\\approx|\bapprox\w*|\babout|\broughly|\bnearly|\baround)\s*\$?\s*$/i;

const BULLET = /^\s*(?:[-*•]|\d{1,2}[.)])\s+/;

const NUMBER = /(?<![\w.\\^_])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,.])|\d+(?:\.\d+)?(?:\s*\/\s*\d+(?:\.\d+)?)?|\.\d+)(?!\d)/g;
const NUMBER_DC = /(?<![\w.\\^_])-?(?:0,\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d{1,3}(?: \d{3})+(?![\d,.])|\d+(?:[.,]\d+)?(?:\s*\/\s*\d+)?|\.\d+)(?!\d)/g;

/** A repeating decimal: 0.\overline{36}, 0.1\bar{6}, 0.\dot{1}4\dot{2}, 0.(36). */
const REPEATING = /(?<![\w.\\^_])-?(?:\d{0,60}\.\d{0,60}(?:\\(?:overline|bar)\s*(?:\{\s*\d{1,60}\s*\}|\d)|\\dot\s*(?:\{\d\}|\d)(?:\d{0,60}\\dot\s*(?:\{\d\}|\d))?)|\d{1,60}\.\d{0,60}\(\d{1,60}\))/g;

const SCALES: Record<string, string> = { hundred: "*10^2", thousand: "*10^3", million: "*10^6", billion: "*10^9", trillion: "*10^12", squared: "^2", cubed: "^3" };

/**
 * The last number written in the text ("1,000.5", "2/3", "-4"); with `decimalComma`, "2,74" is 2.74.
 * The words around it count: "negative 4" is -4, "4 million" is 4·10^6, "4 squared" is 16, a hedge "3 or 4"
 * ("either 3 or 4", "3 (or possibly 4)") is both numbers.
 */
export function lastNumber(text: string, decimalComma: boolean): string | undefined {
  let last: RegExpExecArray | undefined;
  let prev: RegExpExecArray | undefined;
  for (const m of text.matchAll(decimalComma ? NUMBER_DC : NUMBER)) [prev, last] = [last, m];
  // "2/7, about 0.29": the number before its approximate restatement is the answer.
  if (last && prev && last.index - prev.index < 60) {
    const between = text.slice(prev.index + prev[0].length, last.index);
    if (/^[^.;:!?\n]*$/.test(between) && APPROXIMATE_BEFORE.test(between)) [last, prev] = [prev, undefined];
  }
  const end = last ? last.index + last[0].length : -1;
  // A repeating decimal is one number, not the digits of its period.
  if (text.includes(".")) {
    let repeating: RegExpExecArray | undefined;
    for (const m of text.matchAll(REPEATING)) repeating = m;
    if (repeating && repeating.index + repeating[0].length >= end) return repeating[0];
  }
  if (last === undefined) return undefined;
  const clean = (n: string) => (decimalComma && /^-?(?:0,\d+|\d+,(?:\d{1,2}|\d{4,}))$/.test(n) ? n.replace(",", ".") : n.replace(/[ ,]/g, ""));
  let value = clean(last[0]);
  if (!value.startsWith("-") && /\b(?:negative|minus)\s+$/i.test(text.slice(Math.max(0, last.index - 12), last.index))) value = "-" + value;
  const scale = /^\s+(hundred|thousand|million|billion|trillion|squared|cubed)\b/i.exec(text.slice(end, end + 12));
  if (scale) value = `(${value})${SCALES[scale[1].toLowerCase()]}`;
  // "The chance is 25%": the sign belongs to the number (25% is 1/4).
  else if (/^\s*(?:\\?%|percent\b)/i.test(text.slice(end, end + 10))) value += "%";
  if (prev) {
    const gap = text.slice(prev.index + prev[0].length, last.index);
    // "3 or 4" is a hedge (both numbers); "3 and 2", only with nothing else between, is a list of two.
    const hedge = gap.length <= 30 && /\bor\b/i.test(gap) && !/[.;:!?\n]/.test(gap);
    if (hedge || /^\s*,?\s*and\s+$/i.test(gap)) return `${clean(prev[0])}, ${value}`;
  }
  return value;
}
