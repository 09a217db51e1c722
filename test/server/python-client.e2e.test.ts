import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers.ts";
import { startServe } from "./serve-helpers.ts";

const PYTHON = process.env.PYTHON ?? "python3";
const hasPython = spawnSync(PYTHON, ["--version"]).status === 0;

test("the Python client, verl shim and TRL reward pass their tests against a real server", { skip: hasPython ? false : `${PYTHON} not found` }, async () => {
  const server = await startServe(["--spec", join(ROOT, "clients/python/tests/spec.yaml")], { REWARDSMITH_TOKEN: "py-token" });
  try {
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(PYTHON, ["-m", "unittest", "discover", "-v", "-s", "clients/python/tests"], {
        cwd: ROOT,
        env: { ...process.env, REWARDSMITH_TEST_URL: server.url, REWARDSMITH_TEST_TOKEN: "py-token", PYTHONDONTWRITEBYTECODE: "1" },
      });
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (d) => (output += d));
      child.stderr.setEncoding("utf8").on("data", (d) => (output += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
    });
    assert.equal(result.code, 0, result.output);
    assert.doesNotMatch(result.output, /skipped/, "the server tests ran");
    assert.match(result.output, /Ran 12 tests/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
