import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { EXACT_SPEC, exactRecords, startServe } from "../server/serve-helpers.ts";
import { propertySettings } from "./generators.ts";

/** Fault injection against `rewardsmith serve` run as a user would: bounded load, killed workers, slow clients. */

const TOKEN = "s3cret-token";
const STATUSES = new Set([200, 400, 401, 404, 405, 413, 415, 429]);

/** One generated request: a good batch, or something broken on purpose. */
const request = fc.oneof(
  fc.nat(40).map((n) => ({ kind: "good", body: JSON.stringify({ records: exactRecords(n) }), type: "application/json", auth: `Bearer ${TOKEN}` })),
  fc.nat(20).map((n) => ({ kind: "ndjson", body: exactRecords(n).map((r) => JSON.stringify(r)).join("\n") + "\n", type: "application/x-ndjson", auth: `Bearer ${TOKEN}` })),
  fc.constantFrom(
    { kind: "bad-ndjson", body: '{"id": 1, "completion": "a"}\n{not json\n', type: "application/x-ndjson", auth: `Bearer ${TOKEN}` },
    { kind: "bad-json", body: '{"records": [', type: "application/json", auth: `Bearer ${TOKEN}` },
    { kind: "wrong-shape", body: '{"records": 7}', type: "application/json", auth: `Bearer ${TOKEN}` },
    { kind: "proto", body: '{"records": [{"__proto__": {"x": 1}, "completion": "a"}]}', type: "application/json", auth: `Bearer ${TOKEN}` },
    { kind: "huge", body: JSON.stringify({ records: [{ completion: "x".repeat(300_000) }] }), type: "application/json", auth: `Bearer ${TOKEN}` },
    { kind: "no-auth", body: '{"records": []}', type: "application/json", auth: "" },
    { kind: "wrong-auth", body: '{"records": []}', type: "application/json", auth: `Bearer ${TOKEN}x` },
    { kind: "basic-auth", body: '{"records": []}', type: "application/json", auth: "Basic czNjcmV0LXRva2Vu" },
    { kind: "odd-type", body: "records=1", type: "text/plain", auth: `Bearer ${TOKEN}` },
  ),
);

async function send(url: string, r: { body: string; type: string; auth: string }): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": r.type };
  if (r.auth) headers.authorization = r.auth;
  const res = await fetch(`${url}/v1/score`, { method: "POST", headers, body: r.body });
  return { status: res.status, text: await res.text() };
}

test("64 connections of generated good and broken requests: every request gets a well-formed answer, the server stays up", { timeout: 60_000 }, async () => {
  const serve = await startServe(["--spec", EXACT_SPEC, "--body-limit", "200000", "--max-queue", "16", "--concurrency", "4"], { REWARDSMITH_TOKEN: TOKEN });
  try {
    const plan = fc.sample(request, { numRuns: 640, seed: propertySettings(1).seed });
    let next = 0;
    const seen = new Map<number, number>();
    const worker = async () => {
      while (next < plan.length) {
        const r = plan[next++];
        const res = await send(serve.url, r);
        assert.ok(STATUSES.has(res.status), `${r.kind}: unexpected status ${res.status}: ${res.text.slice(0, 200)}`);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (r.kind === "good" && res.status === 200) {
          const n = JSON.parse(r.body).records.length;
          assert.equal(JSON.parse(res.text).results.length, n, "a 200 answers every record");
        }
        if (r.kind.endsWith("auth")) assert.equal(res.status, 401, `${r.kind} must be refused`);
        if (r.kind === "huge") assert.equal(res.status, 413);
        if (r.kind === "bad-json" || r.kind === "wrong-shape") assert.equal(res.status, 400);
        if (res.status !== 200 && res.status !== 204) assert.ok(JSON.parse(res.text).error, `${res.status} without an error message`);
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    assert.ok((seen.get(200) ?? 0) > 0, "no request was answered");
    const health = await fetch(`${serve.url}/health`);
    assert.equal(health.status, 200);
  } finally {
    await serve.stop();
  }
});

test("--workers 2: SIGKILL of one worker mid-load; the other keeps serving and a replacement starts", { timeout: 60_000 }, async () => {
  const serve = await startServe(["--spec", EXACT_SPEC, "--workers", "2"]);
  try {
    const workersOf = () => execFileSync("pgrep", ["-P", String(serve.child.pid)], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
    const before = workersOf();
    assert.equal(before.length, 2);
    let failures = 0;
    let answered = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        try {
          const res = await fetch(`${serve.url}/v1/score`, { method: "POST", headers: { "content-type": "application/json", connection: "close" }, body: JSON.stringify({ records: exactRecords(4) }), signal: AbortSignal.timeout(3000) });
          if (res.status === 200) answered++;
          await res.text();
        } catch {
          failures++; // a connection the killed worker held when it died
        }
      }
    })();
    await sleep(300);
    process.kill(before[0], "SIGKILL");
    const answeredAtKill = answered;
    // A request handed to the dying worker can hang until its own timeout, so wait for answers
    // against a deadline rather than for a fixed time that a slow CI machine can overrun.
    for (let waited = 0; waited < 10_000 && answered < answeredAtKill + 5; waited += 100) await sleep(100);
    stop = true;
    await load;
    assert.ok(answered >= answeredAtKill + 5, "the surviving worker stopped answering");
    assert.ok(failures <= 4, `${failures} requests failed: only the ones on the killed worker may`);
    let after: number[] = [];
    for (let i = 0; i < 50 && after.length < 2; i++) {
      await sleep(100);
      after = workersOf().filter((p) => p !== before[0]);
    }
    assert.equal(after.length, 2, "the killed worker was not replaced");
    assert.match(serve.output().stderr, /starting a new one/);
  } finally {
    await serve.stop();
  }
});

test("slowloris: 60 half-open connections trickling headers do not starve normal clients", { timeout: 60_000 }, async () => {
  const serve = await startServe(["--spec", EXACT_SPEC]);
  const { port } = new URL(serve.url);
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < 60; i++) {
      const s = connect(Number(port), "127.0.0.1");
      s.on("error", () => {});
      s.write("POST /v1/score HTTP/1.1\r\nHost: x\r\n");
      sockets.push(s);
    }
    const trickle = setInterval(() => sockets.forEach((s) => s.writable && s.write("X-a: b\r\n")), 200);
    try {
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${serve.url}/v1/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: exactRecords(2) }), signal: AbortSignal.timeout(5000) });
        assert.equal(res.status, 200);
        assert.equal(((await res.json()) as { results: unknown[] }).results.length, 2);
      }
    } finally {
      clearInterval(trickle);
    }
  } finally {
    sockets.forEach((s) => s.destroy());
    await serve.stop();
  }
});
