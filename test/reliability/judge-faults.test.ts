import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import { test } from "node:test";
import { score } from "../../src/pipeline/score.ts";

/**
 * Judge endpoints that misbehave as real ones do: the run ends (each test's own timeout catches a
 * hang), every record an error with a reason.
 */
async function endpoint(handler: (res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`, server };
}

const records = Array.from({ length: 3 }, (_, i) => ({ id: i, prompt: "2+2?", completion: "4" }));

async function judgeAgainst(handler: (res: ServerResponse) => void): Promise<{ out: Awaited<ReturnType<typeof score>> }> {
  const { url, server } = await endpoint(handler);
  try {
    const out = await score({ rewards: { j: { type: "judge", mode: "pointwise", base_url: url, model: "m", cache: false, timeout_s: 1, retries: 1 } } }, records);
    return { out };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function assertAllErrors(out: Awaited<ReturnType<typeof score>>): void {
  assert.equal(out.length, records.length);
  for (const rec of out) {
    assert.equal(rec.status, "error", JSON.stringify(rec));
    assert.equal(rec.reward, null);
    assert.ok(rec.reason && rec.reason.length > 0);
  }
}

test("a judge that streams its reply forever: errors within the timeout budget", { timeout: 30_000 }, async () => {
  const { out } = await judgeAgainst((res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"choices": [{"message": {"content": "');
    const t = setInterval(() => res.write("a"), 20);
    res.on("close", () => clearInterval(t));
  });
  assertAllErrors(out);
});

test("a judge answering 429 with a huge Retry-After: the record fails instead of waiting a day", { timeout: 30_000 }, async () => {
  const { out } = await judgeAgainst((res) => {
    res.writeHead(429, { "retry-after": "86400", "content-type": "application/json" });
    res.end('{"error": {"message": "rate limited"}}');
  });
  assertAllErrors(out);
  assert.match(out[0].reason ?? "", /retry after 86400 s/);
});

test("a judge that accepts the request and never answers: errors within the timeout budget", { timeout: 30_000 }, async () => {
  const { out } = await judgeAgainst(() => {});
  assertAllErrors(out);
});

test("a judge that returns an HTML error page with status 200: an error naming what was wrong", { timeout: 30_000 }, async () => {
  const { out } = await judgeAgainst((res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><body>502 Bad Gateway</body></html>");
  });
  assertAllErrors(out);
});
