import fc from "fast-check";

/** fast-check settings shared by the property suites: seeded (RELIABILITY_SEED overrides) so a failure is reproducible. */
export function propertySettings(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : 20261204;
  return { numRuns, seed, endOnFailure: true, verbose: 1 };
}

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("", " ", "\u0000", "\u202e", "\ud83d\ude00", "<think>x</think><answer>4</answer>", "\\boxed{2}", "#### 7", "```python\nprint(1)\n```", "SELECT 1;", '<tool_call>{"name":"f","arguments":{}}</tool_call>', "(10, 20)"),
  fc.integer({ min: 2_000, max: 60_000 }).map((n) => "x".repeat(n)),
);

const message = fc.record({
  role: fc.oneof(fc.constantFrom("user", "assistant", "system", "tool", ""), fc.string({ maxLength: 8 }), fc.constant(7)),
  content: fc.oneof(oddText, fc.constant(null), fc.array(fc.record({ type: fc.constant("text"), text: oddText }), { maxLength: 2 })),
});

/** A prompt or completion as users (and broken pipelines) send them. */
const textField = fc.oneof(
  { weight: 4, arbitrary: oddText },
  { weight: 2, arbitrary: fc.array(message, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 2 })) },
);

const reference = fc.oneof(
  oddText,
  fc.integer(),
  fc.double(),
  fc.array(oddText, { maxLength: 3 }),
  fc.object({ maxDepth: 3 }),
  fc.constant({ tests: [{ input: "1\n", output: "1\n" }] }),
  fc.constant({ box: [0, 0, 100, 100] }),
  fc.constant(null),
);

/** One JSON record (as text), with optional fields left out and hostile keys put in. */
function recordLine(id: number): fc.Arbitrary<string> {
  return fc
    .record(
      { prompt: textField, completion: textField, response: textField, reference: reference, answer: reference, group: fc.constantFrom("g1", "g2", 3), response_length: fc.oneof(fc.nat(10_000), fc.string({ maxLength: 3 })), steps: fc.oneof(fc.array(fc.record({ reward: fc.oneof(fc.double(), fc.constant(null)) }), { maxLength: 3 }), fc.string({ maxLength: 3 })), db_id: fc.constantFrom("hr", "../../etc/passwd", "nope") },
      { requiredKeys: [] },
    )
    .chain((fields) =>
      fc.constantFrom("", ',"__proto__":{"polluted":1}', ',"constructor":{"prototype":{"x":1}}', ',"id":"duplicate"').map((hostile) => {
        const body = JSON.stringify({ id, ...fields });
        return body.slice(0, -1) + hostile + "}";
      }),
    );
}

export type Line = { kind: "record"; id: number; bytes: Buffer } | { kind: "other"; bytes: Buffer };

/** A line of a JSONL file: mostly records, plus every kind of broken line. */
function line(id: number): fc.Arbitrary<Line> {
  const other = (a: fc.Arbitrary<string | Buffer>): fc.Arbitrary<Line> => a.map((t) => ({ kind: "other", bytes: typeof t === "string" ? Buffer.from(t) : t }));
  return fc.oneof(
    { weight: 6, arbitrary: recordLine(id).map((t): Line => ({ kind: "record", id, bytes: Buffer.from(t) })) },
    { weight: 1, arbitrary: other(fc.constantFrom("", "   ", "{", '{"id": 1,', "nul\u0000l", "[1,2]", "42", '"text"', "null", "true", '{"completion": "a"} trailing')) },
    { weight: 1, arbitrary: other(fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => Buffer.concat([Buffer.from('{"completion":"'), Buffer.from(b).map((x) => (x === 10 ? 0xff : x | 0x80)), Buffer.from('"}')]))) },
  );
}

export interface JsonlCase {
  lines: Line[];
  /** The file's bytes as handed to the scorer. */
  bytes: Buffer;
  /** How the bytes are cut into stream chunks (offsets), to hit characters and lines split across reads. */
  cuts: number[];
}

/** A whole JSONL file: BOM or not, LF or CRLF per line, a last line with or without its newline. */
export const jsonlFile: fc.Arbitrary<JsonlCase> = fc
  .integer({ min: 0, max: 24 })
  .chain((n) => fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => line(i))), fc.boolean(), fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.boolean(), fc.array(fc.nat(), { maxLength: 6 })))
  .map(([lines, bom, crlf, finalNewline, rawCuts]) => {
    const parts: Buffer[] = bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
    lines.forEach((l, i) => {
      parts.push(l.bytes);
      const last = i === lines.length - 1;
      if (!last || finalNewline) parts.push(Buffer.from(crlf[i] ? "\r\n" : "\n"));
    });
    const bytes = Buffer.concat(parts);
    const cuts = [...new Set(rawCuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
    return { lines: lines as Line[], bytes, cuts };
  });

/** The chunks a stream delivers for a case. */
export function chunks(c: JsonlCase): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...c.cuts, c.bytes.length]) {
    if (cut > at) out.push(c.bytes.subarray(at, cut));
    at = Math.max(at, cut);
  }
  return out;
}

/**
 * How many output lines a file must give: one per line, where a final empty piece after the
 * last newline is no line. A line that ends in "\r" counts once (CRLF).
 */
export function expectedLineCount(c: JsonlCase): number {
  const bom = c.bytes[0] === 0xef && c.bytes[1] === 0xbb && c.bytes[2] === 0xbf ? 3 : 0;
  let n = 0;
  for (let i = bom; i < c.bytes.length; i++) if (c.bytes[i] === 10) n++;
  const tail = c.bytes.length - Math.max(bom, c.bytes.lastIndexOf(10) + 1);
  return n + (tail > 0 ? 1 : 0);
}

/** The id a line's record carries when it parses as a JSON object (the last "id" key wins, as in JSON.parse). */
export function expectedId(line: Line): unknown {
  try {
    const v = JSON.parse(line.bytes.toString("utf8"));
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v.id ?? null) : null;
  } catch {
    return null;
  }
}
