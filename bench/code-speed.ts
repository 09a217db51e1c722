/**
 * Throughput of the `code` reward against the naive approach (one plain `python3` subprocess per test,
 * no sandbox), on the same programs in the same run, both with as many processes at once as cores.
 *
 *   node bench/code-speed.ts [programs=500] [rounds=2]
 *
 * Each round runs both approaches (in alternating order); the table keeps each one's best round, so
 * load from other processes on the machine skews the ratio less.
 * Two workloads of short Python solutions with 5 tests each: function tests (`cases`) and
 * stdin/stdout tests. Some solutions are wrong, so both approaches must agree on what passes.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import type { Sample } from "../src/core/types.ts";
import { codeReward } from "../src/rewards/code/index.ts";
import { Pool } from "../src/rewards/code/pool.ts";
import { valuesMatch } from "../src/rewards/code/compare.ts";

const PROGRAMS = Number(process.argv[2] ?? 500);
const ROUNDS = Number(process.argv[3] ?? 2);
const TESTS = 5;
const PYTHON = "/usr/bin/python3";
const cores = availableParallelism();

interface Program {
  code: string;
  /** Function workload: arguments and expected return values. */
  cases: Array<{ args: number[]; expected: number }>;
}

/** Program k computes a*x + b over its arguments; every 7th has an off-by-one bug. */
function program(k: number): Program {
  const a = (k % 5) + 1;
  const b = k % 11;
  const bug = k % 7 === 0 ? " + (1 if x > 2 else 0)" : "";
  const code = `def solve(x, y):\n    total = ${a} * x + ${b} + y${bug}\n    return total\n`;
  const cases = Array.from({ length: TESTS }, (_, t) => ({ args: [t, k], expected: a * t + b + k }));
  return { code, cases };
}

function stdioCode(p: Program): string {
  return `${p.code}x, y = map(int, input().split())\nprint(solve(x, y))\n`;
}

const programs = Array.from({ length: PROGRAMS }, (_, k) => program(k));
const fence = (code: string) => "```python\n" + code + "```\n";

function runPython(args: string[], input: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { stdio: ["pipe", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.on("close", (code) => resolve({ code, stdout }));
    child.stdin.on("error", () => {}); // a program may exit without reading its input
    child.stdin.end(input);
  });
}

/** Naive: one python3 per test; returns tests passed per program. */
async function naive(mode: "cases" | "stdio"): Promise<number[]> {
  const pool = new Pool(cores);
  return Promise.all(
    programs.map(async (p) => {
      const results = await Promise.all(
        p.cases.map((c) =>
          pool.run(async () => {
            if (mode === "cases") {
              const r = await runPython(["-c", `${p.code}\nimport json\nprint(json.dumps(solve(*${JSON.stringify(c.args)})))`], "");
              return r.code === 0 && valuesMatch(JSON.parse(r.stdout), c.expected, 0);
            }
            const r = await runPython(["-c", stdioCode(p)], `${c.args.join(" ")}\n`);
            return r.code === 0 && r.stdout.trim() === String(c.expected);
          }),
        ),
      );
      return results.filter(Boolean).length;
    }),
  );
}

/** The code reward (sandboxed); returns tests passed per program. */
async function sandboxed(mode: "cases" | "stdio"): Promise<number[]> {
  const reward = codeReward.create(codeReward.options.parse({}), { name: "code", specDir: ".", type: "code" });
  const samples: Sample[] = programs.map((p) => ({
    completion: fence(mode === "cases" ? p.code : stdioCode(p)),
    reference:
      mode === "cases"
        ? { entry_point: "solve", cases: p.cases }
        : { tests: p.cases.map((c) => ({ stdin: `${c.args.join(" ")}\n`, stdout: `${c.expected}\n` })) },
  }));
  const results = await reward.score(samples);
  return results.map((r) => {
    if (r.status !== "ok") throw new Error(`sandboxed run failed: ${r.reason}`);
    return Object.values(r.components ?? {}).filter((c) => c.outcome === "passed").length;
  });
}

async function timed(fn: () => Promise<number[]>): Promise<{ seconds: number; passed: number[] }> {
  const start = performance.now();
  const passed = await fn();
  return { seconds: (performance.now() - start) / 1000, passed };
}

const rows: string[] = [];
for (const mode of ["cases", "stdio"] as const) {
  let boxBest = Infinity;
  let plainBest = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0 ? sandboxed : naive;
    const second = round % 2 === 0 ? naive : sandboxed;
    const a = await timed(() => first(mode));
    const b = await timed(() => second(mode));
    if (a.passed.join() !== b.passed.join()) throw new Error(`${mode}: the sandboxed and naive runs disagree on which tests pass`);
    const [box, plain] = round % 2 === 0 ? [a, b] : [b, a];
    boxBest = Math.min(boxBest, box.seconds);
    plainBest = Math.min(plainBest, plain.seconds);
  }
  const boxRate = PROGRAMS / boxBest;
  const plainRate = PROGRAMS / plainBest;
  const label = mode === "cases" ? "function tests (cases)" : "stdin/stdout tests";
  rows.push(`| ${label} | ${PROGRAMS} × ${TESTS} | ${boxRate.toFixed(1)} | ${plainRate.toFixed(1)} | ${(boxRate / plainRate).toFixed(2)}× |`);
}

console.log(`Python ${PYTHON}, ${cores} cores, ${PROGRAMS} programs, ${TESTS} tests each; both sides run ${cores} processes at once; best of ${ROUNDS} rounds.\n`);
console.log("| workload | programs × tests | sandboxed programs/s | naive programs/s (python3 per test, no sandbox) | sandboxed / naive |");
console.log("|---|---|---|---|---|");
for (const r of rows) console.log(r);
