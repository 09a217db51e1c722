/**
 * Tokenisers of the reference implementations the similarity metrics reproduce.
 */

const TOKENIZE_13A: Array<[RegExp, string]> = [
  // Symbols and most ASCII punctuation become separate tokens.
  [/([\{-\~\[-\` -\&\(-\+\:-\@\/])/g, " $1 "],
  // Period and comma are split off unless preceded by a digit ...
  [/([^0-9])([\.,])/g, "$1 $2 "],
  // ... or followed by one.
  [/([\.,])([^0-9])/g, " $1 $2"],
  // A dash after a digit is split off.
  [/([0-9])(-)/g, "$1 $2 "],
];

/**
 * sacrebleu's default `13a` tokeniser (mteval-v13a.pl): unescape the four HTML entities, join
 * lines, split punctuation and symbols off words (keeping "3.5" and "1,000" whole), split on whitespace.
 */
export function tokenize13a(text: string): string[] {
  let line = text.replaceAll("<skipped>", "").replaceAll("-\n", "").replaceAll("\n", " ");
  if (line.includes("&")) {
    line = line.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll("&gt;", ">");
  }
  line = ` ${line} `;
  for (const [re, repl] of TOKENIZE_13A) line = line.replace(re, repl);
  return splitWhitespace(line);
}

export function splitWhitespace(text: string): string[] {
  return text.split(/\s+/).filter((t) => t !== "");
}

/**
 * rouge-score's default tokeniser (no stemming): lower case, every run of characters other than
 * ASCII letters and digits is a separator. Text with no ASCII letters or digits has no tokens.
 */
export function tokenizeRouge(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").split(" ").filter((t) => t !== "");
}

/** Counts of the n-grams of one order (n-gram key: tokens joined with U+0001). */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = n === 1 ? tokens[i] : tokens.slice(i, i + n).join("\u0001");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Σ min(a[k], b[k]) over the keys of a: the clipped overlap of two multisets. */
export function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  for (const [k, c] of a) {
    const d = b.get(k);
    if (d) common += Math.min(c, d);
  }
  return common;
}
