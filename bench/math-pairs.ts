/**
 * A deterministic mixed set of math (completion, reference, expected) pairs for the benchmarks:
 * realistic completions (reasoning then a boxed / "The answer is" / #### answer), every answer
 * category, about half of them wrong, plus optional pathological completions.
 */
import { mulberry32 as rng } from "../src/core/random.ts";

export interface BenchPair {
  completion: string;
  reference: string;
  pathological?: boolean;
}

const REASONING = [
  "First, we simplify the expression step by step. ",
  "Let $x$ be the unknown quantity; then the condition gives $2x + 3 = 11$, so $x = 4$. ",
  "We substitute and check each case carefully, using $a^2 + b^2 = c^2$. ",
  "Multiplying both sides by the denominator, \\[ 4x = A(x-5) + B(x-3). \\] ",
  "The total is $48 + 24 = 72$ items, and half of that is 36. ",
];

type Gen = (r: () => number) => [answer: string, reference: string, wrongAnswer: string];

const int = (r: () => number, n: number) => Math.floor(r() * n);

const GENERATORS: Gen[] = [
  (r) => { const n = int(r, 100000); return [String(n), String(n), String(n + 1 + int(r, 9))]; },
  (r) => { const a = 1 + int(r, 20), b = 2 + int(r, 30); return [`\\frac{${a}}{${b}}`, `${a}/${b}`, `\\frac{${a + 1}}{${b}}`]; },
  (r) => { const a = 1 + int(r, 9); return [`${a}\\sqrt{${2 + int(r, 3) * 0 + 2}}`, `\\sqrt{${a * a * 2}}`, `${a + 1}\\sqrt{2}`]; },
  (r) => { const a = int(r, 9), b = 1 + a + int(r, 9); return [`[${a}, ${b})`, `[${a},${b})`, `(${a}, ${b})`]; },
  (r) => { const a = int(r, 9), b = a + 1 + int(r, 5); return [`${b}, ${a}`, `\\{${a}, ${b}\\}`, `${a}`]; },
  (r) => { const a = int(r, 9), b = int(r, 9); return [`(${a}, ${b})`, `(${a},${b})`, `(${b + 1}, ${a})`]; },
  (r) => { const a = 1 + int(r, 9); return [`${a}x^2 + ${2 * a}x`, `${a}x(x+2)`, `${a}x^2 + ${a}x`]; },
  (r) => { const a = 1 + int(r, 9); return [`\\frac{\\pi}{${a}}`, `\\pi/${a}`, `\\frac{\\pi}{${a + 1}}`]; },
  (r) => { const a = int(r, 99); return [`${a}\\%`, `${a}`, `${a + 3}\\%`]; },
  (r) => { const a = 1 + int(r, 9); return [`x = ${a}`, `${a}`, `x = -${a}`]; },
  (r) => { const a = int(r, 9), b = int(r, 9); return [`\\begin{pmatrix} ${a} & ${b} \\\\ ${b} & ${a} \\end{pmatrix}`, `\\begin{bmatrix} ${a} & ${b} \\\\ ${b} & ${a} \\end{bmatrix}`, `\\begin{pmatrix} ${a} & ${b} \\\\ ${a} & ${b + 1} \\end{pmatrix}`]; },
  (r) => { const a = 1 + int(r, 9); return [`${a} \\pm \\sqrt{${a + 1}}`, `\\{${a}+\\sqrt{${a + 1}}, ${a}-\\sqrt{${a + 1}}\\}`, `${a} + \\sqrt{${a + 1}}`]; },
  (r) => { const a = int(r, 1000) / 100; return [a.toFixed(2), String(a), (a + 0.5).toFixed(2)]; },
  (r) => { const a = 1 + int(r, 9); return [`\\sin^2 x + \\cos^2 x + ${a}`, `${a + 1}`, `${a}`]; },
  (r) => { const a = 1 + int(r, 9); return [`x \\geq ${a}`, `[${a}, \\infty)`, `x > ${a}`]; },
  (r) => { const c = "ABCD"[int(r, 4)]; return [`(${c})`, c, `(${c === "A" ? "B" : "A"})`]; },
];

function wrap(r: () => number, answer: string): string {
  let text = "";
  const steps = 1 + int(r, 4);
  for (let i = 0; i < steps; i++) text += REASONING[int(r, REASONING.length)];
  switch (int(r, 4)) {
    case 0: return `${text}Therefore the answer is $\\boxed{${answer}}$.`;
    case 1: return `${text}\nThe final answer is $${answer}$. I hope it is correct.`;
    case 2: return /^[\d.]+$/.test(answer) ? `${text}\n#### ${answer}` : `${text}So we get $$${answer}$$`;
    default: return `${text}Hence $\\boxed{${answer}}$`;
  }
}

const PATHOLOGICAL = [
  "\\boxed{10^{10^{10^{10}}}}",
  "The answer is \\boxed{" + "{".repeat(50_000) + "1" + "}".repeat(50_000) + "}",
  "\\boxed{(10^{10})!}",
  "\\boxed{" + "(".repeat(3000) + "1" + ")".repeat(3000) + "}",
  "\\boxed{1e99999999}",
];

/** `count` pairs; a `pathologicalRate` share of them have a hostile completion. */
export function benchPairs(count: number, pathologicalRate = 0, seed = 7): BenchPair[] {
  const r = rng(seed);
  const out: BenchPair[] = [];
  const every = pathologicalRate > 0 ? Math.round(1 / pathologicalRate) : 0;
  for (let i = 0; i < count; i++) {
    const [answer, reference, wrong] = GENERATORS[i % GENERATORS.length](r);
    if (every && i % every === every - 1) {
      out.push({ completion: PATHOLOGICAL[(i / every) % PATHOLOGICAL.length | 0], reference, pathological: true });
      continue;
    }
    out.push({ completion: wrap(r, r() < 0.5 ? answer : wrong), reference });
  }
  return out;
}
