import type { Writable } from "node:stream";

/**
 * JSONL framing: cuts decoded text into lines at "\n", across chunk boundaries. The start of an
 * unfinished line is kept in pieces: rescanning or re-joining it for every chunk would make a line
 * of many chunks cost quadratic time.
 */
export class LineSplitter {
  private pending: string[] = [];

  /** The complete lines of the next chunk (without their "\n"); an unfinished last line waits for the next chunk. */
  *push(text: string): Generator<string> {
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.pending.length === 0) yield piece;
      else {
        this.pending.push(piece);
        const line = this.pending.join("");
        this.pending = [];
        yield line;
      }
    }
    if (start < text.length) this.pending.push(text.slice(start));
  }

  /** What follows the last newline: the last line of an input that does not end with one ("" if none). */
  end(): string {
    const rest = this.pending.join("");
    this.pending = [];
    return rest;
  }
}

/** Wait until a stream that refused a write drains, or fails (the caller checks for the failure). */
export function drained(output: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      output.off("drain", done);
      output.off("error", done);
      resolve();
    };
    output.on("drain", done);
    output.on("error", done);
  });
}
