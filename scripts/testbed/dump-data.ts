/**
 * Writes the training set of the test model as token ids for scripts/testbed/train.py:
 * a little-endian uint8 file, one sequence (prompt + solution + end-of-text) after another, each
 * preceded by its length. Usage: node scripts/testbed/dump-data.ts <out.bin> [count] [seed]
 */
import { writeFileSync } from "node:fs";
import { arithmeticProblems } from "../../src/testing/testmodel/arithmetic.ts";
import { EOS, encode } from "../../src/testing/testmodel/tokenizer.ts";

const [out, count = "200000", seed = "1"] = process.argv.slice(2);
if (!out) throw new Error("usage: dump-data.ts <out.bin> [count] [seed]");
const bytes: number[] = [];
for (const p of arithmeticProblems({ seed: Number(seed), count: Number(count), split: "train" })) {
  const ids = [...encode(p.prompt + p.solution).ids, EOS];
  bytes.push(ids.length, ...ids);
}
writeFileSync(out, Uint8Array.from(bytes));
console.log(`${count} sequences, ${bytes.length} bytes -> ${out}`);
