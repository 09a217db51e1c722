/**
 * The test model's figures: size, load time, decoding speed on this machine, and pass@1 / pass@8
 * at temperature 1 on 200 held-out problems. Run: node bench/testbed.ts
 */
import { arithmeticProblems, checkSteps, createRng, generate, readModel, scoreText } from "../src/testing/index.ts";
import { WEIGHTS_DIR } from "../src/testing/testmodel/model.ts";

const model = readModel(WEIGHTS_DIR);
const problems = arithmeticProblems({ seed: 2026, count: 200, split: "heldout" });
const rng = createRng(1);
const k = 8;
let tokens = 0;
let pass1 = 0;
let pass8 = 0;
const t0 = performance.now();
for (const p of problems) {
  const prompt = scoreText(model, p.prompt, 0);
  let solved = 0;
  for (let i = 0; i < k; i++) {
    const g = generate(prompt.session.fork(), prompt.next!, model.config.n_ctx - prompt.tokens.length, { temperature: 1, topP: 1, maxTokens: 100, stop: [], topLogprobs: 0, rng });
    tokens += g.tokens.length;
    if (checkSteps(p.prompt, g.text).correct) solved++;
  }
  pass1 += solved / k;
  if (solved > 0) pass8++;
}
const seconds = (performance.now() - t0) / 1000;
const c = model.config;
const rows: Array<[string, string]> = [
  ["parameters", `${c.parameters} (d_model ${c.d_model}, ${c.n_layer} layers, ${c.n_head} heads, context ${c.n_ctx}, vocab ${c.vocab_size})`],
  ["weights size", `${(model.weightsBytes / 1024).toFixed(0)} KiB float32`],
  ["load time", `${model.loadMs.toFixed(1)} ms`],
  ["decode speed", `${(tokens / seconds).toFixed(0)} tokens/s (one thread, ${tokens} tokens)`],
  ["pass@1 (T=1, mean of 8)", `${((100 * pass1) / problems.length).toFixed(1)} %`],
  ["pass@8 (T=1)", `${((100 * pass8) / problems.length).toFixed(1)} %`],
];
console.log("| what | value |\n| --- | --- |");
for (const [a, b] of rows) console.log(`| ${a} | ${b} |`);
