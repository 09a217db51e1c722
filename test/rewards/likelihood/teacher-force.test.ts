import assert from "node:assert/strict";
import { test } from "node:test";
import { ModelEndpoint } from "../../../src/rewards/shared/http/model-endpoint.ts";
import { codePointIndex, type ForcedToken, legacyTokens, spanTokens, spelledTokens, TeacherForcer } from "../../../src/rewards/shared/http/teacher-force.ts";
import { encode } from "../../../src/testing/index.ts";
import { modelAndFaultServers } from "../models/fault-server.ts";

const servers = modelAndFaultServers();

function forcer(baseUrl: string, backend: "vllm" | "sglang" = "vllm"): TeacherForcer {
  const o = { base_url: baseUrl, timeout_s: 5, retries: 0, backoff_s: 0.1, max_concurrency: 4, breaker: { failures: 5, cooldown_s: 30 }, cache: false };
  return new TeacherForcer(new ModelEndpoint(o, { specDir: "." }), { backend, batch_size: 8 });
}

const TEXTS = {
  ascii: "Q: 41+27\nStep 1: 41+27=68\nAnswer: 68",
  accented: "Q: é5+6 café\nAnswer: 11",
  cjk: "Q: 答案5+6是\nAnswer: 11",
  emoji: "Q: 😀5+6 👍🏽\nAnswer: 11",
};

test("teacher forcing: token spans tile the text exactly, also over accents, CJK and emoji (code point offsets -> UTF-16)", async () => {
  for (const backend of ["vllm", "sglang"] as const) {
    const f = forcer(servers.model.url, backend);
    const texts = Object.values(TEXTS);
    const out = await f.force(texts, 3);
    out.forEach((r, i) => {
      const text = texts[i];
      assert.ok("tokens" in r, `${backend} ${i}: ${JSON.stringify(r)}`);
      const pieces = r.tokens.map((t) => text.slice(t.start, t.end));
      assert.equal(pieces.join(""), text, `${backend}: spans tile the text`);
      assert.deepEqual(pieces, encode(text).pieces, `${backend}: each span is the tokenizer's piece`);
      assert.equal(r.tokens[0].logprob, null);
      assert.ok(r.tokens.slice(1).every((t) => typeof t.logprob === "number" && t.logprob <= 0));
      assert.ok(r.tokens.slice(1).every((t) => t.top!.length >= 3 && t.top!.length <= 4), "top 3 plus the token itself");
    });
    f.endpoint.close();
  }
});

test("teacher forcing: vLLM and SGLang backends give the same logprobs; the answer span picks the answer's tokens", async () => {
  const text = TEXTS.emoji;
  const [v] = await forcer(servers.model.url, "vllm").force([text], 0);
  const [s] = await forcer(servers.model.url, "sglang").force([text], 0);
  assert.ok("tokens" in v && "tokens" in s);
  assert.equal(v.tokens.length, s.tokens.length);
  v.tokens.forEach((t, i) => assert.ok(t.logprob === s.tokens[i].logprob || Math.abs(t.logprob! - s.tokens[i].logprob!) < 1e-9));
  const start = text.lastIndexOf("11");
  const span = spanTokens(v.tokens, start, start + 2);
  assert.deepEqual(span.map((t) => text.slice(t.start, t.end)), ["1", "1"]);
});

test("span tokens: a token straddling the edge is in with overlap, out with inside", () => {
  const text = "Q: 5";
  const tokens: ForcedToken[] = [
    { start: 0, end: 3, logprob: null },
    { start: 3, end: 4, logprob: -1 },
  ];
  assert.equal(text.slice(0, 3), "Q: ");
  assert.equal(spanTokens(tokens, 1, 4, "overlap").length, 2, "the span starts inside 'Q: '");
  assert.equal(spanTokens(tokens, 1, 4, "inside").length, 1);
  assert.equal(spanTokens(tokens, 4, 4).length, 0);
});

test("offsets: code points map to UTF-16 indices; offsets that do not fit, or none, are unscorable", () => {
  assert.deepEqual(codePointIndex("a😀é"), [0, 1, 3, 4]);
  const placed = legacyTokens({ tokens: ["a", "😀", "b"], token_logprobs: [null, -1, -2], text_offset: [0, 1, 2] }, "a😀b", "srv");
  assert.ok("tokens" in placed);
  assert.deepEqual(placed.tokens.map((t) => [t.start, t.end]), [[0, 1], [1, 3], [3, 4]]);
  const extra = legacyTokens({ token_logprobs: [null, -1, -2], text_offset: [0, 1, 2] }, "ab", "srv");
  assert.ok("tokens" in extra && extra.tokens.length === 2, "the generated token after the text is dropped");
  assert.match(JSON.stringify(legacyTokens({ token_logprobs: [null, -1] }, "ab", "srv")), /no character offsets/);
  assert.match(JSON.stringify(legacyTokens({ token_logprobs: [null, -1], text_offset: [0, -1] }, "ab", "srv")), /do not fit/);
  // A BOS counted in the offsets shifts every token: caught by comparing the token texts.
  assert.match(JSON.stringify(legacyTokens({ tokens: ["<s>", "ab", "c"], token_logprobs: [null, -1, -1], text_offset: [0, 3, 5] }, "abcdef", "srv")), /do not match the token texts \(token 1/);
  assert.ok("tokens" in legacyTokens({ tokens: ["<s>", "ab", "c"], token_logprobs: [null, -1, -1], text_offset: [0, 0, 2] }, "abc", "srv"), "a BOS with no width is fine");
  assert.match(JSON.stringify(spelledTokens([[null, 1, "x"], [-1, 2, "q"]], undefined, "xy", "srv")), /do not spell the input at character 1/);
  const bos = spelledTokens([[null, 1, "<s>"], [-1, 2, "x"], [-1, 3, "y"]], undefined, "xy", "srv");
  assert.ok("tokens" in bos);
  assert.deepEqual(bos.tokens.map((t) => [t.start, t.end]), [[0, 0], [0, 1], [1, 2]]);
});

test("teacher forcing: servers without prompt logprobs or offsets give unscorable naming the URL; broken ones give errors", async () => {
  const [none] = await forcer(servers.faults.url("nologprobs")).force(["Q: 1"], 0);
  assert.match((none as { unscorable: string }).unscorable, /nologprobs\/completions returned no prompt logprobs .*llama\.cpp/);
  const [noOffsets] = await forcer(servers.faults.url("nooffsets")).force(["Q: 1"], 0);
  assert.match((noOffsets as { unscorable: string }).unscorable, /nooffsets\/completions returned no character offsets/);
  const [genOnly] = await forcer(servers.faults.url("genonly")).force(["Q: 1"], 0);
  assert.match((genOnly as { unscorable: string }).unscorable, /genonly\/completions returned logprobs of generated tokens only/);
  const [noText] = await forcer(servers.faults.url("notext"), "sglang").force(["Q: 1"], 0);
  assert.match((noText as { unscorable: string }).unscorable, /notext\/generate returned no token texts/);
  const [missing] = await forcer(servers.faults.url("missing")).force(["Q: 1"], 0);
  assert.match((missing as { error: string }).error, /teacher-forcing request to .*missing\/completions failed: HTTP 404/);
  const [shape] = await forcer(servers.faults.url("shape"), "sglang").force(["Q: 1"], 0);
  assert.match((shape as { error: string }).error, /shape\/generate failed: generate response has no meta_info/);
});

test("teacher forcing: a server that never answers fails at the timeout, not later", async () => {
  const o = { base_url: servers.faults.url("hang"), timeout_s: 0.3, retries: 0, backoff_s: 0.1, max_concurrency: 4, breaker: { failures: 5, cooldown_s: 30 }, cache: false };
  const f = new TeacherForcer(new ModelEndpoint(o, { specDir: "." }), { backend: "sglang", batch_size: 8 });
  const [r] = await f.force(["Q: 1"], 0);
  assert.match((r as { error: string }).error, /hang\/generate failed: timed out after 0.3 s/);
});
