import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type FakeJudgeServer, startFakeJudgeServer } from "../../../src/testing/index.ts";
import { section } from "../../../src/testing/judge-server.ts";
import { placeQuote, sentences } from "../../../src/rewards/judge/span-match.ts";
import { parseSpans } from "../../../src/rewards/judge/spans.ts";
import { judgeSpec, run } from "./helpers.ts";

test("quotes are placed exactly, then ignoring whitespace; repeats need an occurrence; misses are reported", () => {
  const text = "Paris is in Italy.  The Eiffel\ntower is  tall. Paris is in Italy.";
  assert.deepEqual(placeQuote(text, "Paris is in Italy."), { reason: "ambiguous", occurrences: 2 });
  const second = text.lastIndexOf("Paris is in Italy.");
  assert.deepEqual(placeQuote(text, "Paris is in Italy.", 2), { start: second, end: second + 18, match: "exact" });
  assert.deepEqual(placeQuote(text, "Paris is in Italy.", 3), { reason: "occurrence out of range", occurrences: 2 });
  const ws = placeQuote(text, "The Eiffel tower is tall");
  assert.deepEqual(ws, { start: 20, end: 45, match: "whitespace" });
  assert.equal(text.slice(20, 45), "The Eiffel\ntower is  tall");
  assert.deepEqual(placeQuote(text, "Berlin"), { reason: "not found" });
  assert.deepEqual(placeQuote(text, "   "), { reason: "not found" });
});

test("sentences split at end punctuation and line breaks", () => {
  const text = "One. Two!\nThree? four";
  assert.deepEqual(sentences(text).map((s) => text.slice(s.start, s.end)), ["One.", "Two!", "Three?", "four"]);
});

test("a reply without a usable spans list is refused with the reason", () => {
  assert.match(parseSpans("no json here", ["minor"]) as string, /no "spans" list/);
  assert.match(parseSpans('{"spans": [{"quote": "x", "severity": "huge"}]}', ["minor"]) as string, /severity "huge"/);
  assert.deepEqual(parseSpans('Sure: {"spans": [{"quote": "x", "label": "", "severity": "Minor"}]}', ["minor"]), [{ quote: "x", label: "error", severity: "minor", occurrence: undefined }]);
});

const COMPLETION = "The capital of France is Berlin. It has 3 million people. The capital of France is Berlin.";
let server: FakeJudgeServer;
/** What the fake judge answers, by the response it is shown. */
const replies = new Map<string, unknown[]>();

before(async () => {
  server = await startFakeJudgeServer({ judge: (req) => ({ spans: replies.get(section(req.user, "Response") ?? "") ?? [] }) });
});
after(() => server.close());

test("spans mode against a judge server: overlapping spans, a repeated quote, a quote not in the text", async () => {
  replies.set(COMPLETION, [
    { quote: "Berlin", label: "wrong capital", severity: "critical", occurrence: 1 },
    { quote: "The capital of France is Berlin.", label: "factual error", severity: "major", occurrence: 1 },
    { quote: "capital of France is Berlin", label: "repeat", severity: "minor" },
    { quote: "Madrid is big", label: "invented", severity: "major" },
    { quote: "3   million", label: "unsupported", severity: "minor" },
  ]);
  const { out, summary } = await run(judgeSpec(server.url, { mode: "spans" }), [{ id: "a", prompt: "Tell me about the capital of France.", completion: COMPLETION }]);
  const r = out[0];
  assert.equal(r.status, "ok");
  const segs = r.components.judge.segments;
  // Placed: Berlin (first), the first sentence (overlapping it), "3 million" by whitespace-insensitive match.
  assert.deepEqual(
    segs.map((s: any) => [COMPLETION.slice(s.start, s.end), s.label, s.severity, s.reward, s.match]),
    [
      ["Berlin", "wrong capital", "critical", -1, "exact"],
      ["The capital of France is Berlin.", "factual error", "major", -0.5, "exact"],
      ["3 million", "unsupported", "minor", -0.25, "whitespace"],
    ],
  );
  const reason: string = r.components.judge.reason;
  assert.match(reason, /unplaced quotes: "capital of France is Berlin" \(ambiguous: 2 times\); "Madrid is big" \(not found\)/);
  // Overlap counts once at the heaviest weight: 6 chars × 1 + 26 × 0.5 + 9 × 0.25.
  const expected = 1 - (6 * 1 + (32 - 6) * 0.5 + 9 * 0.25) / COMPLETION.length;
  assert.ok(Math.abs(r.reward - expected) < 1e-12, `${r.reward} vs ${expected}`);
  // Dense rewards per sentence: the first is hit by a critical span, the second by a minor one, the third by none.
  assert.deepEqual(r.components.judge.steps.map((s: any) => s.reward), [0, 0.75, 1]);
  assert.equal(summary["judge.spans"], 5);
  assert.equal(summary["judge.unplaced_quotes"], 2);
  // The request asked for the spans object with the severities as an enum.
  const schema = (server.requests.at(-1)!.response_format as any).json_schema.schema;
  assert.deepEqual(schema.properties.spans.items.properties.severity.enum, ["minor", "major", "critical"]);
});

test("spans mode: no spans is a perfect reward; an unparseable reply is an error, never a reward", async () => {
  replies.set("All good here.", []);
  const good = await run(judgeSpec(server.url, { mode: "spans" }), [{ completion: "All good here." }]);
  assert.equal(good.out[0].reward, 1);
  assert.deepEqual(good.out[0].components.judge.segments, []);
  server.fail({ text: "I think it is fine." });
  const bad = await run(judgeSpec(server.url, { mode: "spans", structured: "none" }), [{ completion: "Something else." }]);
  assert.equal(bad.out[0].status, "error");
  assert.match(bad.out[0].reason, /no "spans" list/);
});

test("spans mode: options are checked like the other modes", async () => {
  await assert.rejects(run(judgeSpec(server.url, { mode: "spans", severities: { minor: 2 } }), []), /severities\.minor/);
  await assert.rejects(run(judgeSpec(server.url, { mode: "spans", prompt: "no completion here" }), []), /\{\{completion\}\}/);
});
