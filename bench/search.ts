/**
 * Reward-guided search on the test model (src/testing: a tiny real arithmetic LM behind an
 * OpenAI/vLLM-compatible server): accuracy of greedy, pass@1, majority, best-of-n, weighted vote,
 * beam, DVTS and particle filtering at equal budgets on held-out problems, with the tokens, calls
 * and scorer calls each spent; then the orchestration overhead per generator call against a
 * zero-latency local server, and the concurrency reached.
 *
 * Run: node bench/search.ts [--problems 100] [--budgets 4,8,16] [--seed 1] [--step prm|rule|noisy] [--skip-accuracy] [--skip-overhead]
 *
 * Outcome reward: `math` on the "Answer:" line against the reference (exact for integers).
 * Step scorer: `prm` (default) = the testbed's served PRM (its /pooling route, one row per step
 * from the rule step checker) through a `type: prm` spec, aggregated by min (every step so far
 * right); `rule` = the same checker (checkSteps) called in process, no HTTP; `noisy` = that
 * checker with a quarter of its step verdicts flipped (an imperfect PRM).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { functionScorer, type StepScorer } from "../src/search/scorers.ts";
import { search, type SearchOptions, type SearchRecord, type StrategyName } from "../src/search/search.ts";
import { OpenAIGenerator, generatorConfig, type GenerateFn } from "../src/search/generator.ts";
import { arithmeticProblems, checkSteps, startTestModelServer } from "../src/testing/index.ts";

const { values } = parseArgs({
  options: {
    problems: { type: "string", default: "100" },
    budgets: { type: "string", default: "4,8,16" },
    seed: { type: "string", default: "1" },
    step: { type: "string", default: "prm" },
    "skip-accuracy": { type: "boolean" },
    "skip-overhead": { type: "boolean" },
  },
});

const count = Number(values.problems);
const budgets = values.budgets!.split(",").map(Number);
const seed = Number(values.seed);

async function accuracy(): Promise<void> {
  const server = await startTestModelServer();
  try {
    const problems = arithmeticProblems({ seed, count, split: "heldout" }).map((p, i) => ({ id: i, prompt: p.prompt, reference: p.reference }));
    const outcome = { rewards: { correct: { type: "math" } } };
    const rule: StepScorer = functionScorer((p, c) => {
      const steps = checkSteps(p.prompt as string, c.text).steps;
      if (steps.length === 0) return 0.5;
      return steps.every((s) => s.correct) ? 1 : 0;
    });
    // A learned PRM errs: the checker's verdict on each step flipped with probability 0.25 (a hash of
    // the problem and the step, so the same prefix always gets the same score), soft scores 0.8/0.2.
    const noisy: StepScorer = functionScorer((p, c) => {
      const steps = checkSteps(p.prompt as string, c.text).steps;
      if (steps.length === 0) return 0.5;
      return Math.min(...steps.map((st, i) => ((hash(`${p.prompt}|${i}|${st.text}`) % 4 === 0) !== st.correct ? 0.8 : 0.2)));
    });
    const stepSpec: SearchOptions["stepSpec"] = values.step === "noisy" ? noisy :
      values.step === "prm"
        ? // The testbed's PRM reads one step per line after the problem line: "\n" is both its delimiter and its separator.
          { rewards: { prm: { type: "prm", base_url: server.url, template: "{prompt}{steps}", separator: "\n", delimiter: "\n", aggregate: "min", cache: false } } }
        : rule;
    const generator = { base_url: server.url, max_tokens: 90, max_concurrency: 8 };
    // The testbed's PRM scores "Step" lines, not the "Answer:" line: strip it before the PRM reads a complete answer.
    const stepStrip = values.step === "prm" ? /\nAnswer: .*$/ : undefined;
    const base = { generator, spec: outcome, stepSpec, stepStrip, aggregate: "min" as const, delimiter: "\n", sampling: { stepMaxTokens: 20 }, seed, concurrency: 4 };
    const rows: string[] = [];
    const row = (name: string, n: number | string, recs: SearchRecord[], seconds: number) => {
      const mean = (f: (r: SearchRecord) => number) => recs.reduce((a, r) => a + f(r), 0) / recs.length;
      const errors = recs.filter((r) => r.status === "error").length;
      rows.push(
        `| ${name} | ${n} | ${(100 * mean((r) => r.reward ?? 0)).toFixed(1)} | ${(100 * mean((r) => r.oracle ?? 0)).toFixed(1)} | ${mean((r) => r.trace.completion_tokens).toFixed(0)} | ${mean((r) => r.trace.generator_calls).toFixed(1)} | ${mean((r) => r.trace.scorer_calls.step).toFixed(1)} | ${seconds.toFixed(1)} |${errors ? ` ${errors} errors` : ""}`,
      );
      process.stderr.write(rows[rows.length - 1] + "\n");
    };
    const runOne = async (name: string, n: number | string, options: Partial<SearchOptions> & { strategy: StrategyName }) => {
      const t = performance.now();
      const recs = await search(problems, { ...base, ...options } as SearchOptions);
      row(name, n, recs, (performance.now() - t) / 1000);
    };
    await runOne("greedy (T=0)", 1, { strategy: "best_of_n", n: 1, sampling: { temperature: 0, stepMaxTokens: 20 }, select: "outcome" });
    await runOne("pass@1 (T=1)", 1, { strategy: "best_of_n", n: 1, select: "outcome" });
    for (const n of budgets) {
      const k = n >= 8 ? 4 : 2;
      await runOne("majority", n, { strategy: "majority", n });
      await runOne("best-of-n (step scorer)", n, { strategy: "best_of_n", n, select: "step" });
      await runOne("weighted vote (step scorer)", n, { strategy: "weighted_vote", n, select: "step" });
      await runOne(`beam (k=${k})`, n, { strategy: "beam", n, k });
      await runOne(`DVTS (k=${k})`, n, { strategy: "dvts", n, k });
      await runOne("particle filter", n, { strategy: "particle_filter", n });
    }
    console.log(`\nSearch on ${count} held-out testbed problems (seed ${seed}); step scorer: ${values.step}; outcome: math on "Answer:"\n`);
    console.log("| strategy | N | accuracy % | oracle pass@N % | completion tokens / problem | generator calls / problem | step-scorer calls / problem | wall s |");
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const r of rows) console.log(r);
  } finally {
    await server.close();
  }
}

/** FNV-1a of a string (the noisy scorer's coin). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A server that answers every completion at once with a fixed reply, counting requests in flight. */
async function zeroLatencyServer(delayMs: number) {
  const reply = JSON.stringify({ choices: [{ index: 0, text: "x", finish_reason: "stop", stop_reason: null }], usage: { prompt_tokens: 3, completion_tokens: 1 } });
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on("end", () => {
      const send = () => {
        inFlight--;
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) }).end(reply);
      };
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, maxInFlight: () => maxInFlight, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The fastest of `rounds` timings of `fn` (ms per call): the machine is shared, the minimum is the cost. */
async function fastest(rounds: number, calls: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t) / calls);
  }
  return best;
}

async function overhead(): Promise<void> {
  const problems = Array.from({ length: 100 }, (_, i) => ({ id: i, prompt: `p${i}` }));
  const n = 16;
  const calls = problems.length * n;
  const opts = { strategy: "majority" as const, n, answer: "exact" as const, concurrency: 8 };
  const rounds = 5;
  // 1. Orchestration alone: a generator function that answers at once (no HTTP).
  const instant: GenerateFn = async () => ({ text: "x", finish: "eos", promptTokens: 3, completionTokens: 1 });
  const orchestration = await fastest(rounds, calls, () => search(problems, { ...opts, generator: instant }));
  // 2. Against a zero-latency local server, 8 requests in flight: plain fetch, the generator client alone, the whole search.
  const zero = await zeroLatencyServer(0);
  const gen = new OpenAIGenerator(generatorConfig({ base_url: zero.url, max_concurrency: 8 }));
  const body = JSON.stringify({ prompt: "p", max_tokens: 512, temperature: 1, top_p: 1 });
  const eight = (one: () => Promise<unknown>) => async () => {
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next++ < calls) await one();
    }));
  };
  const rawFetch = await fastest(rounds, calls, eight(async () => (await fetch(`${zero.url}/completions`, { method: "POST", headers: { "content-type": "application/json" }, body })).json()));
  const client = await fastest(rounds, calls, eight(() => gen.generate({ prompt: "p", prefix: "" })));
  const viaSearch = await fastest(rounds, calls, () => search(problems, { ...opts, generator: gen }));
  await zero.close();
  // 3. Concurrency: a server that takes 5 ms per request; the client is configured for 8 in flight.
  const slow = await zeroLatencyServer(5);
  const gen8 = new OpenAIGenerator(generatorConfig({ base_url: slow.url, max_concurrency: 8 }));
  await search(problems.slice(0, 40), { ...opts, generator: gen8 });
  const reached = slow.maxInFlight();
  await slow.close();
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(`\nOrchestration overhead (${calls} generator calls per round, majority n=${n}, 8 problems at a time, fastest of ${rounds} rounds)\n`);
  console.log("| what | per generator call | target |");
  console.log("| --- | --- | --- |");
  console.log(`| search orchestration alone (instant generator function) | ${us(orchestration)} | < 200 µs |`);
  console.log(`| plain fetch, zero-latency local server, 8 in flight | ${us(rawFetch)} | |`);
  console.log(`| generator client (OpenAIGenerator over JsonClient), same | ${us(client)} | |`);
  console.log(`| whole search through the client, same server | ${us(viaSearch)} | |`);
  console.log(`| search overhead over the client alone | ${us(viaSearch - client)} | < 200 µs |`);
  console.log(`| requests in flight reached (max_concurrency 8) | ${reached} | 8 |`);
}

if (!values["skip-overhead"]) await overhead();
if (!values["skip-accuracy"]) await accuracy();
