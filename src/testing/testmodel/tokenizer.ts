/**
 * The test model's tokenizer: single characters of the arithmetic world plus a few
 * multi-character tokens ("Q: ", "Step ", "Answer: "), matched greedily longest first, so token
 * and character offsets differ as they do for a real BPE. Other characters become `<unk>`.
 */
export const EOS = 0;
export const UNK = 1;
export const VOCAB: readonly string[] = [
  "<|endoftext|>",
  "<unk>",
  "\n", " ", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "-", "=", ":",
  "A", "Q", "S", "e", "n", "p", "r", "s", "t", "w",
  "Q: ", "Step ", "Answer: ",
];

const MULTI = VOCAB.map((t, id) => ({ t, id })).filter((x, i) => i > UNK && x.t.length > 1).sort((a, b) => b.t.length - a.t.length);
const SINGLE = new Map(VOCAB.map((t, id) => [t, id] as const).filter(([t, id]) => id > UNK && t.length === 1));

export interface Encoded {
  ids: number[];
  /** Character offset of each token in the text. */
  offsets: number[];
  /** The text each token stands for (an unknown character keeps its own text). */
  pieces: string[];
}

export function encode(text: string): Encoded {
  const ids: number[] = [];
  const offsets: number[] = [];
  const pieces: string[] = [];
  let i = 0;
  while (i < text.length) {
    const multi = MULTI.find((m) => text.startsWith(m.t, i));
    let piece: string;
    let id: number;
    if (multi) {
      piece = multi.t;
      id = multi.id;
    } else {
      piece = String.fromCodePoint(text.codePointAt(i)!);
      id = SINGLE.get(piece) ?? UNK;
    }
    ids.push(id);
    offsets.push(i);
    pieces.push(piece);
    i += piece.length;
  }
  return { ids, offsets, pieces };
}

/** The text of a generated token: the end-of-text token and `<unk>` add nothing to a completion. */
export function tokenText(id: number): string {
  return id <= UNK ? "" : VOCAB[id];
}

export function decode(ids: readonly number[]): string {
  return ids.map(tokenText).join("");
}
