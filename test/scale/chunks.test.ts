import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { chunkLines, readInputLines } from "../../src/scale/chunks.ts";
import { groupKeyReader } from "../../src/pipeline/record.ts";
import { tempDir } from "../helpers.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("chunks: lines are read as the streaming scorer reads them (BOM, CRLF, bad UTF-8, no final newline)", async () => {
  const dir = tempDir();
  const path = join(dir, "in.jsonl");
  writeFileSync(path, Buffer.concat([Buffer.from("\uFEFF{\"a\":1}\r\n\n"), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("{\"b\":2}")]));
  const lines = await collect(readInputLines(path));
  assert.deepEqual(lines.map((l) => l.text), ['{"a":1}', "", null, '{"b":2}']);
  assert.equal(lines.at(-1)!.end, 3 + 9 + 1 + 3 + 7);
});

test("chunks: a group on adjacent lines is never split, every line lands in exactly one chunk, in order", async () => {
  const dir = tempDir();
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (sizes, size) => {
      const lines: string[] = [];
      sizes.forEach((n, g) => {
        for (let k = 0; k < n; k++) lines.push(JSON.stringify({ group: `g${g}`, completion: `${g}.${k}` }));
      });
      const path = join(dir, "g.jsonl");
      writeFileSync(path, lines.join("\n") + "\n");
      const chunks = await collect(chunkLines(readInputLines(path), size, groupKeyReader({})));
      assert.deepEqual(chunks.flatMap((c) => c.lines), lines);
      let next = 1;
      for (const [i, c] of chunks.entries()) {
        assert.equal(c.index, i);
        assert.equal(c.firstLine, next);
        next += c.lines.length;
      }
      const home = new Map<string, number>();
      for (const c of chunks)
        for (const l of c.lines) {
          const g = JSON.parse(l!).group;
          assert.equal(home.get(g) ?? c.index, c.index, `group ${g} split`);
          home.set(g, c.index);
        }
      // Cut at the size wherever the group allows it.
      for (const c of chunks.slice(0, -1)) assert.ok(c.lines.length >= size);
    }),
    { numRuns: 60 },
  );
});

test("chunks: the spec's renamed group field is the one that keeps lines together", async () => {
  const dir = tempDir();
  const path = join(dir, "in.jsonl");
  writeFileSync(path, ['{"q":1}', '{"q":1}', '{"q":1}', '{"q":2}'].join("\n"));
  const chunks = await collect(chunkLines(readInputLines(path), 1, groupKeyReader({ group: "q" })));
  assert.deepEqual(chunks.map((c) => c.lines.length), [3, 1]);
});
