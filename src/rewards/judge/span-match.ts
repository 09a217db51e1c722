/** Placing a judge's quotes in the completion: exact first, then ignoring whitespace differences. Never guessed. */

export interface QuotePlacement {
  start: number;
  end: number;
  /** How the quote was found. */
  match: "exact" | "whitespace";
}

export type QuoteMiss = { reason: "not found" } | { reason: "ambiguous"; occurrences: number } | { reason: "occurrence out of range"; occurrences: number };

/**
 * Where `quote` is in `text`. A quote that appears more than once is placed only when `occurrence`
 * (1-based) says which; otherwise it is ambiguous and not placed.
 */
export function placeQuote(text: string, quote: string, occurrence?: number): QuotePlacement | QuoteMiss {
  if (quote.trim() === "") return { reason: "not found" };
  const exact = allIndexes(text, quote);
  if (exact.length > 0) return pick(exact.map((s) => [s, s + quote.length] as const), "exact", occurrence);
  const norm = collapse(text);
  const q = collapse(quote.trim()).text;
  if (q === "") return { reason: "not found" };
  const found = allIndexes(norm.text, q);
  if (found.length === 0) return { reason: "not found" };
  return pick(found.map((i) => [norm.origin[i], norm.origin[i + q.length - 1] + 1] as const), "whitespace", occurrence);
}

function pick(spans: ReadonlyArray<readonly [number, number]>, match: QuotePlacement["match"], occurrence: number | undefined): QuotePlacement | QuoteMiss {
  if (occurrence !== undefined) {
    if (occurrence < 1 || occurrence > spans.length) return { reason: "occurrence out of range", occurrences: spans.length };
    const [start, end] = spans[occurrence - 1];
    return { start, end, match };
  }
  if (spans.length > 1) return { reason: "ambiguous", occurrences: spans.length };
  return { start: spans[0][0], end: spans[0][1], match };
}

function allIndexes(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) out.push(i);
  return out;
}

/** The text with every whitespace run as one space, and for each of its characters the index it came from. */
function collapse(text: string): { text: string; origin: number[] } {
  let out = "";
  const origin: number[] = [];
  let inSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (!inSpace) {
        out += " ";
        origin.push(i);
      }
      inSpace = true;
    } else {
      out += c;
      origin.push(i);
      inSpace = false;
    }
  }
  return { text: out, origin };
}

/** Sentence spans of a text: ends at . ! ? followed by whitespace, or at a line break; whitespace-only pieces are skipped. */
export function sentences(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const re = /[.!?]+(?=\s)|\n+/g;
  let start = 0;
  const push = (end: number) => {
    const piece = text.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const trail = piece.length - piece.trimEnd().length;
    if (piece.trim() !== "") out.push({ start: start + lead, end: end - trail });
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m[0].startsWith("\n") ? m.index : m.index + m[0].length;
    push(end);
    start = m.index + m[0].length;
  }
  push(text.length);
  return out;
}
