export interface ChrfOptions {
  charOrder: number;
  beta: number;
  lowercase: boolean;
  /** Keep whitespace inside character n-grams (sacrebleu's `whitespace=True`). */
  whitespace: boolean;
}

export const CHRF_DEFAULTS: ChrfOptions = { charOrder: 6, beta: 2, lowercase: false, whitespace: false };

/**
 * chrF as sacrebleu's CHRF computes it (defaults: character order 6, no word n-grams, β = 2,
 * whitespace removed), on a 0..1 scale: per order n, precision and recall of character n-gram
 * multisets; precision and recall are averaged over the orders where both sides have n-grams
 * (the effective order), then F_β = (1+β²)·P·R / (β²·P + R). With several references the best
 * scoring one counts. Characters are Unicode code points.
 */
export function sentenceChrf(hypothesis: string, references: readonly string[], options: ChrfOptions = CHRF_DEFAULTS): number {
  const hyp = chars(hypothesis, options);
  const hypGrams: Array<Map<string, number>> = [];
  for (let n = 1; n <= options.charOrder; n++) hypGrams.push(charNgrams(hyp, n));
  let best = 0;
  for (const r of references) best = Math.max(best, chrfAgainst(hypGrams, chars(r, options), options));
  return best;
}

/** A string with the offsets of its code points (so n-grams are substrings, not joined arrays). */
interface CodePoints {
  text: string;
  /** offsets[i] is where code point i starts; offsets[length] = text.length. */
  offsets: number[];
  length: number;
}

function chars(s: string, o: ChrfOptions): CodePoints {
  const t0 = o.lowercase ? s.toLowerCase() : s;
  const text = o.whitespace ? t0 : t0.split(/\s+/).join("");
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

function chrfAgainst(hypGrams: ReadonlyArray<Map<string, number>>, ref: CodePoints, o: ChrfOptions): number {
  let avgP = 0;
  let avgR = 0;
  let effective = 0;
  for (let n = 1; n <= o.charOrder; n++) {
    const h = hypGrams[n - 1];
    const nRef = Math.max(0, ref.length - n + 1);
    let nHyp = 0;
    for (const c of h.values()) nHyp += c;
    if (nHyp === 0 || nRef === 0) continue;
    const r = charNgrams(ref, n);
    let match = 0;
    for (const [k, c] of h) {
      const d = r.get(k);
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
  const f = o.beta * o.beta;
  return ((1 + f) * avgP * avgR) / (f * avgP + avgR);
}
