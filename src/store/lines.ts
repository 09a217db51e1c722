import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";

/** One line of a JSONL file: where it starts, how many bytes it has (without the newline), its text. */
export interface Line {
  offset: number;
  length: number;
  text: string;
}

/**
 * Read a file line by line with each line's byte offset, and hash it on the way (sha256).
 * Lines follow the scorer's framing: split on "\n", a trailing "\r" kept in the length but not
 * the text, a last line without newline counted, no empty line after a final newline.
 */
export async function eachLine(path: string, visit: (line: Line, index: number) => void): Promise<{ lines: number; sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let carry: Buffer | undefined;
  let base = 0; // file offset of carry[0] (or of the chunk when there is no carry)
  let index = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
      emit(data, start, nl, base, index++, visit);
      start = nl + 1;
    }
    carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
    base += start;
  }
  if (carry && carry.length > 0) emit(carry, 0, carry.length, base, index++, visit);
  return { lines: index, sha256: hash.digest("hex"), bytes };
}

function emit(data: Buffer, start: number, end: number, base: number, index: number, visit: (line: Line, index: number) => void): void {
  const textEnd = end > start && data[end - 1] === 13 ? end - 1 : end;
  visit({ offset: base + start, length: end - start, text: data.toString("utf8", start, textEnd) }, index);
}
