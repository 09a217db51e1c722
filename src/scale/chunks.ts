import { createReadStream } from "node:fs";
import { isUtf8 } from "node:buffer";

/** One input line as the streaming scorer sees it: the text without "\n" (and a final "\r"), or null when it is not UTF-8. */
export interface InputLine {
  text: string | null;
  /** Byte offset just past this line's newline (or the end of the file). */
  end: number;
}

/**
 * The lines of a JSONL file, cut at "\n" on bytes, with the streaming scorer's rules
 * (pipeline/stream.ts): a leading byte order mark is dropped, a final "\r" is dropped, a line that
 * is not valid UTF-8 is null, a last line without newline counts unless it is empty.
 */
export async function* readInputLines(path: string): AsyncGenerator<InputLine> {
  let pending: Buffer[] = [];
  let offset = 0;
  let first = true;
  const emit = (bytes: Buffer, end: number): InputLine => {
    if (first) {
      first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (!isUtf8(bytes)) return { text: null, end };
    let text = bytes.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return { text, end };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      yield emit(bytes, offset + nl + 1);
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
    offset += chunk.length;
  }
  if (pending.length > 0) {
    const line = emit(Buffer.concat(pending), offset);
    if (line.text !== "") yield line;
  }
}

/** A chunk job's share of the input. */
export interface Chunk {
  index: number;
  /** 1-based number of its first line in the input. */
  firstLine: number;
  lines: Array<string | null>;
  /** Byte offset in the input just past its last line. */
  end: number;
}

/** The most lines a chunk grows past its size to keep one group together (as a streamed batch). */
export const MAX_GROUP_LINES = 100_000;

/**
 * Cut lines into chunks of `size` lines; a chunk is cut only where the group changes, so the
 * records of a group on adjacent lines always land in one chunk (up to MAX_GROUP_LINES more).
 * `groupKey` reads the group of a parsed record (pipeline/record.ts groupKeyReader).
 */
export async function* chunkLines(lines: AsyncIterable<InputLine>, size: number, groupKey: (raw: unknown) => string | undefined): AsyncGenerator<Chunk> {
  let index = 0;
  let lineNo = 0;
  let current: Chunk = { index, firstLine: 1, lines: [], end: 0 };
  let lastGroup: string | undefined;
  for await (const line of lines) {
    const group = line.text === null ? undefined : groupKey(parseOrUndefined(line.text));
    const sameGroup = group !== undefined && group === lastGroup;
    if (current.lines.length >= size && !(sameGroup && current.lines.length < size + MAX_GROUP_LINES)) {
      yield current;
      current = { index: ++index, firstLine: lineNo + 1, lines: [], end: current.end };
    }
    lastGroup = group;
    lineNo++;
    current.lines.push(line.text);
    current.end = line.end;
  }
  if (current.lines.length > 0) yield current;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
