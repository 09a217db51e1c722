import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { writeFiles } from "../helpers.ts";
import { spawnCli } from "./helpers.ts";

test("serve --drain-ms: after SIGTERM /ready answers 503 while requests are still scored, then the server exits 0", async () => {
  const dir = writeFiles({ "s.yaml": "rewards:\n  e: {type: exact}\n" });
  const server = spawnCli(["serve", "--spec", join(dir, "s.yaml"), "--port", "0", "--drain-ms", "1500", "--log-level", "warn"]);
  try {
    const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/);
    const ready = await fetch(`${url}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, "ready");
    server.child.kill("SIGTERM");
    // The signal is handled asynchronously: poll until the replica reports draining.
    let draining: Response | undefined;
    for (let i = 0; i < 50 && !draining; i++) {
      const r = await fetch(`${url}/ready`);
      if (r.status === 503) draining = r;
      else await new Promise((res) => setTimeout(res, 20));
    }
    assert.ok(draining, "/ready turned 503 after SIGTERM");
    assert.equal(((await draining.json()) as { status: string }).status, "draining");
    assert.equal((await fetch(`${url}/health`)).status, 200, "still alive: the liveness probe must not restart a draining pod");
    const scored = await fetch(`${url}/v1/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [{ completion: "a", reference: "a" }] }) });
    assert.equal(scored.status, 200);
    assert.equal(((await scored.json()) as { results: Array<{ reward: number }> }).results[0].reward, 1);
    assert.equal(await server.exited, 0, server.stderr());
  } finally {
    await server.kill("SIGKILL");
  }
});
