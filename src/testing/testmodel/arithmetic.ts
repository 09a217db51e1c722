import { createRng } from "./rng.ts";

/**
 * The test model's world: chained integer additions and subtractions solved one step per line.
 * A problem is `Q: 41+27-35+8\n`; its solution `Step 1: 41+27=68\nStep 2: 68-35=33\n...Answer: 41`.
 */
export interface ArithmeticProblem {
  id: string;
  /** `Q: <expression>\n` — the text to complete. */
  prompt: string;
  /** The final value, e.g. "41". */
  reference: string;
  /** The step-by-step solution the model was trained to write (no trailing newline). */
  solution: string;
}

export type ArithmeticSplit = "train" | "heldout";

export interface ArithmeticOptions {
  seed: number;
  count: number;
  split: ArithmeticSplit;
}

/** Running values stay in [0, MAX_VALUE]; operands are 1–99; 2 to 4 steps. */
const MAX_VALUE = 199;
const MIN_STEPS = 2;
const MAX_STEPS = 4;

/**
 * `count` distinct problems of one split, the same for the same seed. The split is a property of
 * the expression (a hash), so no held-out problem is ever in the training split, whatever the seeds.
 */
export function arithmeticProblems(options: ArithmeticOptions): ArithmeticProblem[] {
  const { seed, count, split } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (split !== "train" && split !== "heldout") throw new Error(`split must be "train" or "heldout", got ${String(split)}`);
  const rng = createRng(seed);
  const seen = new Set<string>();
  const out: ArithmeticProblem[] = [];
  let tries = 0;
  while (out.length < count) {
    if (++tries > count * 50 + 1000) throw new Error(`could not draw ${count} distinct ${split} problems`);
    const steps = rng.int(MIN_STEPS, MAX_STEPS);
    let value = rng.int(1, 99);
    let expression = String(value);
    const lines: string[] = [];
    for (let s = 1; s <= steps; s++) {
      const operand = rng.int(1, 99);
      let op = rng.next() < 0.5 ? "+" : "-";
      if (op === "-" && operand > value) op = "+";
      if (op === "+" && value + operand > MAX_VALUE) op = "-";
      const next = op === "+" ? value + operand : value - operand;
      lines.push(`Step ${s}: ${value}${op}${operand}=${next}`);
      expression += `${op}${operand}`;
      value = next;
    }
    if (seen.has(expression) || splitOf(expression) !== split) continue;
    seen.add(expression);
    lines.push(`Answer: ${value}`);
    out.push({ id: `${split}-${seed}-${out.length}`, prompt: `Q: ${expression}\n`, reference: String(value), solution: lines.join("\n") });
  }
  return out;
}

/** One expression in five is held out (FNV-1a of its text). */
function splitOf(expression: string): ArithmeticSplit {
  let h = 0x811c9dc5;
  for (let i = 0; i < expression.length; i++) h = Math.imul(h ^ expression.charCodeAt(i), 0x01000193) >>> 0;
  return h % 5 === 0 ? "heldout" : "train";
}

export interface StepVerdict {
  text: string;
  correct: boolean;
}

export interface StepCheck {
  /** Every non-empty line before the `Answer:` line, judged in order. */
  steps: StepVerdict[];
  /** The value after `Answer:`, when the completion has that line. */
  answer?: string;
  /** The outcome: the answer equals the problem's true value. */
  correct: boolean;
}

/** The operands and operators of `Q: 41+27-35` (or of the bare expression). */
export function parseProblem(problemPrompt: string): { first: number; ops: Array<{ op: "+" | "-"; operand: number }>; value: number } | undefined {
  const m = /^\s*(?:Q:\s*)?(\d+)((?:\s*[+-]\s*\d+)*)\s*$/.exec(problemPrompt);
  if (!m) return undefined;
  const first = Number(m[1]);
  const ops = [...m[2].matchAll(/([+-])\s*(\d+)/g)].map((x) => ({ op: x[1] as "+" | "-", operand: Number(x[2]) }));
  const value = ops.reduce((v, o) => (o.op === "+" ? v + o.operand : v - o.operand), first);
  return { first, ops, value };
}

const STEP = /^Step (\d+): (-?\d+)([+-])(\d+)=(-?\d+)$/;

/**
 * The process reward of this world: step k is correct when it reads `Step k: a<op>b=c` where `a` is
 * the previous step's written result (the first operand for step 1), `<op>b` is the problem's k-th
 * operation and `c` is right. Each step is judged locally, so the first wrong step is where the
 * solution went wrong; a later step that carries the wrong value on correctly is itself correct,
 * and the outcome check (`correct`) catches the wrong answer.
 */
export function checkSteps(problemPrompt: string, completion: string): StepCheck {
  const problem = parseProblem(problemPrompt);
  if (!problem) throw new Error(`not an arithmetic problem: ${JSON.stringify(problemPrompt)}`);
  const steps: StepVerdict[] = [];
  let answer: string | undefined;
  let previous = problem.first;
  for (const line of completion.split("\n")) {
    if (line.trim() === "") continue;
    const a = /^Answer: (.*)$/.exec(line);
    if (a) {
      answer = a[1].trim();
      break;
    }
    const k = steps.length;
    const want = problem.ops[k];
    const m = STEP.exec(line);
    let correct = false;
    if (m) {
      const [index, left, op, right, result] = [Number(m[1]), Number(m[2]), m[3], Number(m[4]), Number(m[5])];
      correct = want !== undefined && index === k + 1 && left === previous && op === want.op && right === want.operand && result === (op === "+" ? left + right : left - right);
      previous = result;
    } else if (want) {
      // An unreadable step: the next one is judged against the value this step should have reached.
      previous = want.op === "+" ? previous + want.operand : previous - want.operand;
    }
    steps.push({ text: line, correct });
  }
  return { steps, answer, correct: answer !== undefined && answer === String(problem.value) };
}
