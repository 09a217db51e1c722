/** The server builds everything once: a length_bias calibration file is read once per server start, not per request. */
import assert from "node:assert/strict";
import fs, { writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_SERVER_OPTIONS } from "../../src/server/options.ts";
import { startServer } from "../../src/server/serve.ts";
import { parseSpec } from "../../src/spec/parse.ts";
import { tempDir } from "../helpers.ts";

test("serve: a length_bias calibration file is read once per server start, whatever the number of requests", async () => {
  const dir = tempDir();
  const calibration = join(dir, "calib.jsonl");
  writeFileSync(calibration, [10, 20, 30].map((length, i) => JSON.stringify({ length, reward: i / 2 })).join("\n") + "\n");
  const spec = parseSpec(
    { rewards: { exact: { type: "exact" } }, normalize: { type: "grpo", shaping: [{ type: "length_bias", calibration: "calib.jsonl" }] } },
    { dir },
  );
  const original = fs.readFileSync;
  let reads = 0;
  fs.readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (String(path) === calibration) reads++;
    return (original as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  syncBuiltinESMExports(); // named imports of node:fs now see the counting function too
  try {
    const server = await startServer(spec, { ...DEFAULT_SERVER_OPTIONS, host: "127.0.0.1", port: 0, logLevel: "silent" });
    try {
      assert.equal(reads, 1, "read at start-up");
      const records = ["a", "bb bb", "a"].map((completion, i) => ({ id: i, completion, reference: "a", group: "g" }));
      for (let k = 0; k < 3; k++) {
        const res = await fetch(`${server.url}/v1/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records }) });
        assert.equal(res.status, 200);
        const body = (await res.json()) as { results: Array<{ advantage?: number | null; shaped_reward?: number | null }> };
        assert.equal(body.results.length, 3);
        for (const r of body.results) assert.ok("advantage" in r && "shaped_reward" in r);
      }
      const openrlhf = await fetch(`${server.url}/get_reward`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: ["a", "b"], labels: ["a", "a"] }) });
      assert.equal(openrlhf.status, 200);
      assert.equal(reads, 1, "no request reads it again");
    } finally {
      await server.close();
    }
  } finally {
    fs.readFileSync = original;
    syncBuiltinESMExports();
  }
});
