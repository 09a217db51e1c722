import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import type { GenerateFn } from "../../src/search/generator.ts";
import { functionScorer } from "../../src/search/scorers.ts";
import { Searcher } from "../../src/search/search.ts";
import { searchStream, toProblem } from "../../src/search/stream.ts";

test("toProblem: text or chat prompts, id, reference, the rest as meta; clear reasons otherwise", () => {
  assert.deepEqual(toProblem({ id: 3, prompt: "Q", reference: "4", level: 2 }), { id: 3, prompt: "Q", reference: "4", meta: { level: 2 } });
  const chat = toProblem({ prompt: [{ role: "user", content: "hi" }] });
  assert.deepEqual(chat, { prompt: [{ role: "user", content: "hi" }] });
  assert.match(toProblem([1]) as string, /JSON object/);
  assert.match(toProblem({ prompt: "  " }) as string, /empty/);
  assert.match(toProblem({ prompt: [{ content: "x" }] }) as string, /chat messages/);
});

test("searchStream: output in input order whatever finishes first, one line per input line, summary counts errors as 0", async () => {
  // The first problem's samples are the slowest: its line must still come first.
  const generate: GenerateFn = async (req) => {
    const text = String(req.prompt);
    await new Promise((r) => setTimeout(r, text === "slow" ? 30 : 1));
    return { text: `Answer: ${text === "slow" ? 1 : 2}`, finish: "eos", promptTokens: 2, completionTokens: 3 };
  };
  const searcher = new Searcher({ strategy: "best_of_n", generator: generate, n: 2, spec: functionScorer((_p, c) => (c.text.endsWith("1") ? 1 : 0)) });
  const input = Readable.from(['{"id": "a", "prompt": "slow"}\n{"id": "b", "prompt": "fast"}\n', "\nnot json\n", '{"id": "c", "prompt": "fast"}']);
  const output = new PassThrough();
  let text = "";
  output.on("data", (d) => (text += d));
  const summary = await searchStream(searcher, input, output, { concurrency: 3 });
  const lines = text.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.id, l.status]), [["a", "ok"], ["b", "ok"], [null, "error"], [null, "error"], ["c", "ok"]]);
  assert.match(lines[2].reason, /line 3: empty line/);
  assert.match(lines[3].reason, /line 4: not valid JSON/);
  assert.equal(summary.problems, 5);
  assert.equal(summary.ok, 3);
  assert.equal(summary.error, 2);
  assert.equal(summary.reward_mean, 1 / 5);
  assert.equal(summary.generator_calls, 6);
  assert.equal(summary.completion_tokens, 18);
  await searcher.close();
});
