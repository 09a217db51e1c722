import { ngramCounts } from "./tokenize.ts";

export interface ChrfOptions {
  charOrder: number;
  /** Word n-gram orders added to the character orders: 0 is chrF, 2 is chrF++. */
  wordOrder: number;
  beta: number;
  lowercase: boolean;
  /** Keep whitespace inside character n-grams (sacrebleu's `whitespace=True`). */
  whitespace: boolean;
}

export const CHRF_DEFAULTS: ChrfOptions = { charOrder: 6, wordOrder: 0, beta: 2, lowercase: false, whitespace: false };

/**
 * chrF / chrF++ as sacrebleu's CHRF computes them (defaults: character order 6, no word n-grams,
 * β = 2, whitespace removed), on a 0..1 scale: per order (character orders, then word orders),
 * precision and recall of the n-gram multisets; precision and recall are averaged over the orders
 * where both sides have n-grams (the effective order), then F_β = (1+β²)·P·R / (β²·P + R). With
 * several references the best scoring one counts. Characters are Unicode code points.
 */
export function sentenceChrf(hypothesis: string, references: readonly string[], options: ChrfOptions = CHRF_DEFAULTS): number {
  const hyp = allNgrams(hypothesis, options);
  let best = 0;
  for (const r of references) best = Math.max(best, fScore(hyp, allNgrams(r, options), options.beta));
  return best;
}

/** A string with the offsets of its code points (so n-grams are substrings, not joined arrays). */
interface CodePoints {
  text: string;
  /** offsets[i] is where code point i starts; offsets[length] = text.length. */
  offsets: number[];
  length: number;
}

function codePoints(text: string): CodePoints {
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    offsets.push(i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
  }
  const length = offsets.length;
  offsets.push(text.length);
  return { text, offsets, length };
}

function charNgrams(cp: CodePoints, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= cp.length; i++) {
    const key = cp.text.slice(cp.offsets[i], cp.offsets[i + n]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/** sacrebleu's chrF++ words: whitespace split, one ASCII punctuation mark split off the end (else the start) of a word. */
export function chrfWords(text: string): string[] {
  const out: string[] = [];
  for (const w of text.split(/\s+/)) {
    if (w === "") continue;
    if (w.length === 1) out.push(w);
    else if (PUNCTUATION.has(w[w.length - 1])) out.push(w.slice(0, -1), w[w.length - 1]);
    else if (PUNCTUATION.has(w[0])) out.push(w[0], w.slice(1));
    else out.push(w);
  }
  return out;
}

/** Character n-gram counts for orders 1..charOrder, then word n-gram counts for orders 1..wordOrder. */
function allNgrams(s: string, o: ChrfOptions): Array<Map<string, number>> {
  const text = o.lowercase ? s.toLowerCase() : s;
  const cp = codePoints(o.whitespace ? text : text.split(/\s+/).join(""));
  const out: Array<Map<string, number>> = [];
  for (let n = 1; n <= o.charOrder; n++) out.push(charNgrams(cp, n));
  if (o.wordOrder > 0) {
    const words = chrfWords(text);
    for (let n = 1; n <= o.wordOrder; n++) out.push(ngramCounts(words, n));
  }
  return out;
}

function total(counts: Map<string, number>): number {
  let t = 0;
  for (const c of counts.values()) t += c;
  return t;
}

function fScore(hyp: ReadonlyArray<Map<string, number>>, ref: ReadonlyArray<Map<string, number>>, beta: number): number {
  let avgP = 0;
  let avgR = 0;
  let effective = 0;
  for (let i = 0; i < hyp.length; i++) {
    const nHyp = total(hyp[i]);
    const nRef = total(ref[i]);
    if (nHyp === 0 || nRef === 0) continue;
    let match = 0;
    for (const [k, c] of hyp[i]) {
      const d = ref[i].get(k);
      if (d) match += Math.min(c, d);
    }
    avgP += match / nHyp;
    avgR += match / nRef;
    effective++;
  }
  if (effective === 0) return 0;
  avgP /= effective;
  avgR /= effective;
  if (avgP + avgR === 0) return 0;
  const f = beta * beta;
  return ((1 + f) * avgP * avgR) / (f * avgP + avgR);
}
