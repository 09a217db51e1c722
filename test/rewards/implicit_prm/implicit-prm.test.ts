import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { implicitPrmReward, stepStarts, stepSums } from "../../../src/rewards/implicit_prm/index.ts";
import { arithmeticProblems, encode, startTestModelServer, type TestModelServer } from "../../../src/testing/index.ts";
import { runReward } from "../../helpers.ts";

let server: TestModelServer;
let shifted: { url: string; close: () => void };
before(async () => {
  server = await startTestModelServer();
  // A "reference model" that is the test model with every token 0.1 nats less likely.
  const http = createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    const upstream = await fetch(`${server.url}/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: raw });
    const json = (await upstream.json()) as { choices?: Array<{ logprobs: { token_logprobs: Array<number | null> } }> };
    for (const c of json.choices ?? []) c.logprobs.token_logprobs = c.logprobs.token_logprobs.map((v) => (v === null ? null : v - 0.1));
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(JSON.stringify(json));
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  shifted = { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`, close: () => http.close() };
});
after(async () => {
  await server.close();
  shifted.close();
});

const conn = (url: string) => ({ base_url: url, cache: false, retries: 0 });

test("implicit_prm: beta * log-ratio summed per step; q is the running sum; the same model as reference gives 0", async () => {
  const [p] = arithmeticProblems({ seed: 4, count: 1, split: "heldout" });
  const sample = { prompt: p.prompt, completion: p.solution };
  const [r] = await runReward(implicitPrmReward, { ...conn(server.url), reference: conn(shifted.url), delimiter: "\n", beta: 0.5, aggregate: "sum" }, [sample]);
  assert.equal(r.status, "ok", r.reason);
  // Each step holds its line's tokens plus the newline after it (a token goes to the step its last character is in).
  const lines = p.solution.split("\n");
  const counts = lines.map((l, k) => encode(l + (k < lines.length - 1 ? "\n" : "")).ids.length);
  const want = counts.map((n) => 0.5 * 0.1 * n);
  r.steps!.forEach((st, k) => assert.ok(Math.abs(st.reward! - want[k]) < 1e-9, `step ${k + 1}: ${st.reward} vs ${want[k]}`));
  assert.ok(Math.abs((r.steps!.at(-1)!.q as number) - r.reward!) < 1e-12);
  const [same] = await runReward(implicitPrmReward, { ...conn(server.url), reference: conn(server.url), delimiter: "\n" }, [sample]);
  assert.ok(same.steps!.every((st) => st.reward === 0));
  assert.equal(same.reward, 0);
});

test("implicit_prm: step starts and sums; a dead reference is an error naming it", async () => {
  assert.deepEqual(stepStarts("a\n\nb\n\na", ["a", "b", "a"]), [0, 3, 6]);
  assert.match(String(stepStarts("a", ["b"])), /step 1 is not in the completion/);
  assert.deepEqual(stepSums([{ end: 1, reward: 1 }, { end: 3, reward: 2 }, { end: 4, reward: 4 }], [0, 3]), [3, 4]);
  const [dead] = await runReward(implicitPrmReward, { ...conn(server.url), reference: { ...conn("http://127.0.0.1:9/v1") } }, [{ prompt: "Q: 1+1\n", completion: "Step 1: 1+1=2" }]);
  assert.equal(dead.status, "error");
  assert.match(dead.reason!, /^reference: teacher-forcing request to http:\/\/127\.0\.0\.1:9\/v1\/completions failed/);
});
