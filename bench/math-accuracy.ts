/**
 * Agreement of the math verifier with labelled suites, side by side in one run: Math-Verify's own
 * test suite, and the labelled case files of test/rewards/math (our own cases, the second-pass
 * cases, cases transcribed from public graders). Per suite: cases, agreement, median and p99 µs
 * per pair (after a warm-up pass).
 *   node bench/math-accuracy.ts [file=../shared/data/math-verify-suite.jsonl]
 * Per `mode` (see the data README): `default` uses the default extraction priority;
 * `plain-expression` (a bare answer, possibly inside a short sentence) uses extraction
 * [whole, last_number] with decimal commas; cases from Math-Verify's strict-mode test use
 * conventions "lenient" when the peer ran them with strict=False.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { DEFAULT_MATH_OPTIONS, type MathOptions, scoreMath } from "../src/rewards/math/engine.ts";
import { mathOptions, mathReward } from "../src/rewards/math/index.ts";

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

interface Labelled {
  suite: string;
  id: string;
  completion: string;
  reference: string;
  /** 1, 0, "error" or "unscorable". */
  want: string;
  options: MathOptions;
}

const outcome = (r: { reward: number | null; status: string }) => (r.status === "ok" ? String(r.reward) : r.status);

const labelled: Labelled[] = cases.map((c) => ({
  suite: `Math-Verify suite (${c.mode})`,
  id: c.id,
  completion: c.completion,
  reference: c.reference,
  want: c.expected ? "1" : "0",
  options: optionsFor(c),
}));
// The same suite with `rounding: lenient` (Math-Verify itself accepts rounded decimals).
for (const c of cases) {
  if (c.mode !== "default") continue;
  labelled.push({ suite: "Math-Verify suite (default, rounding: lenient)", id: c.id, completion: c.completion, reference: c.reference, want: c.expected ? "1" : "0", options: { ...optionsFor(c), rounding: "lenient" } });
}
// Math-Verify's labels are true/false: anything but a 1 agrees with false.
const binary = (l: Labelled) => l.suite.startsWith("Math-Verify");

interface YamlCase {
  c: string;
  ref: string;
  out: string;
  want: number | string;
  opts?: Record<string, unknown>;
}
const yamlSuites: [string, string][] = [
  ["own labelled cases (cases.yaml)", "cases.yaml"],
  ["second pass: rounding, notation, extraction", "cases-second-pass.yaml"],
  ["public graders (Qwen2.5-Math, simple-evals, hendrycks MATH)", "cases-graders.yaml"],
];
for (const [suite, file] of yamlSuites) {
  const rows: YamlCase[] = parse(readFileSync(new URL(`../test/rewards/math/${file}`, import.meta.url), "utf8"));
  rows.forEach((x, i) =>
    labelled.push({ suite, id: `${file}#${i + 1}`, completion: x.out, reference: x.ref, want: String(x.want), options: mathOptions(mathReward.options.parse(x.opts ?? {})) }),
  );
}

// Warm-up pass (JIT), then the timed one.
for (const l of labelled) scoreMath(l.completion, l.reference, l.options);
const perSuite = new Map<string, { n: number; agree: number; times: number[] }>();
const disagreements: string[] = [];
const all: number[] = [];
for (const l of labelled) {
  const t0 = performance.now();
  const r = scoreMath(l.completion, l.reference, l.options);
  const dt = (performance.now() - t0) * 1000;
  const got = outcome(r);
  const agree = binary(l) ? (got === "1") === (l.want === "1") : got === l.want;
  const m = perSuite.get(l.suite) ?? { n: 0, agree: 0, times: [] };
  m.n++;
  m.times.push(dt);
  all.push(dt);
  if (agree) m.agree++;
  else {
    const clip = (s: string) => JSON.stringify(s.length > 90 ? "…" + s.slice(-90) : s);
    disagreements.push(`| ${l.id} | ${l.want} | ${got} | ${clip(l.reference)} | ${clip(l.completion)} | ${(r.reason ?? r.status).replace(/\|/g, "\\|")} |`);
  }
  perSuite.set(l.suite, m);
}

const quantile = (xs: number[], f: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))];
};
const row = (name: string, m: { n: number; agree: number; times: number[] }) =>
  `| ${name} | ${m.n} | ${m.agree} | ${((m.agree / m.n) * 100).toFixed(1)} % | ${quantile(m.times, 0.5).toFixed(0)} | ${quantile(m.times, 0.99).toFixed(0)} |`;
console.log("## math verifier: agreement with labelled suites and per-pair time\n");
console.log("| suite | cases | agree | agreement | median µs | p99 µs |\n|---|---|---|---|---|---|");
for (const [suite, m] of perSuite) console.log(row(suite, m));
const total = [...perSuite.values()].reduce((a, m) => ({ n: a.n + m.n, agree: a.agree + m.agree, times: all }), { n: 0, agree: 0, times: all });
console.log(row("**all**", total));
console.log(`\n### disagreements (${disagreements.length})\n`);
console.log("| id | label | ours | reference | completion | our reason |\n|---|---|---|---|---|---|");
for (const d of disagreements) console.log(d);
