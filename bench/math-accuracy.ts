/**
 * Agreement of the math verifier with the labels of Math-Verify's own test suite.
 *   node bench/math-accuracy.ts [file=../shared/data/math-verify-suite.jsonl]
 * Per `mode` (see the data README): `default` uses the default extraction priority;
 * `plain-expression` (a bare answer, possibly inside a short sentence) uses extraction
 * [whole, last_number] with decimal commas; cases from Math-Verify's strict-mode test use
 * conventions "lenient" when the peer ran them with strict=False.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_MATH_OPTIONS, type MathOptions, scoreMath } from "../src/rewards/math/engine.ts";

interface Case {
  id: string;
  completion: string;
  reference: string;
  expected: boolean;
  mode: string;
  origin: string;
}

const file = process.argv[2] ?? fileURLToPath(new URL("../../shared/data/math-verify-suite.jsonl", import.meta.url));
const cases: Case[] = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));

function optionsFor(c: Case): MathOptions {
  const o: MathOptions = { ...DEFAULT_MATH_OPTIONS };
  if (c.mode === "plain-expression") {
    o.priority = ["whole", "last_number"];
    o.decimalComma = true;
  }
  if (/test_strict\.py.*-False-\d+\]$/.test(c.origin)) o.strict = false;
  return o;
}

const perMode = new Map<string, { n: number; agree: number }>();
const disagreements: string[] = [];
const times: number[] = [];
for (const c of cases) {
  const t0 = performance.now();
  const r = scoreMath(c.completion, c.reference, optionsFor(c));
  times.push(performance.now() - t0);
  const got = r.status === "ok" && r.reward === 1;
  const m = perMode.get(c.mode) ?? { n: 0, agree: 0 };
  m.n++;
  if (got === c.expected) m.agree++;
  else {
    const clip = (s: string) => JSON.stringify(s.length > 90 ? "…" + s.slice(-90) : s);
    disagreements.push(`| ${c.id} | ${c.expected} | ${got} | ${clip(c.reference)} | ${clip(c.completion)} | ${(r.reason ?? r.status).replace(/\|/g, "\\|")} |`);
  }
  perMode.set(c.mode, m);
}

const total = [...perMode.values()].reduce((a, m) => ({ n: a.n + m.n, agree: a.agree + m.agree }), { n: 0, agree: 0 });
const pct = (m: { n: number; agree: number }) => ((m.agree / m.n) * 100).toFixed(1);
times.sort((a, b) => a - b);
console.log("## math verifier vs Math-Verify's test suite\n");
console.log("| mode | cases | agree | agreement |\n|---|---|---|---|");
for (const [mode, m] of perMode) console.log(`| ${mode} | ${m.n} | ${m.agree} | ${pct(m)} % |`);
console.log(`| **all** | ${total.n} | ${total.agree} | **${pct(total)} %** |`);
console.log(`\nmedian ${(times[times.length >> 1] * 1000).toFixed(0)} µs per pair (cold, includes JIT warm-up)\n`);
console.log(`### disagreements (${disagreements.length})\n`);
console.log("| id | label | ours | reference | completion | our reason |\n|---|---|---|---|---|---|");
for (const d of disagreements) console.log(d);
