import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "../helpers.ts";
import { type Fixture, recordedRuns, startView } from "../view/fixture.ts";

let fx: Fixture;
before(async () => {
  fx = await recordedRuns();
});
after(() => fx.judge.close());

test("score records a run when --out is a file; runs lists it; --no-record and --record without a file", async () => {
  const list = await runCli(["runs"], { cwd: fx.dir, env: fx.env });
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^id\s+name\s+created \(UTC\)\s+records/);
  assert.match(list.stdout, /\n2\s+run-b .* 60 .*b\.out\.jsonl\n1\s+run-a .* 60 /);
  const json = (await runCli(["runs", "--json"], { cwd: fx.dir, env: fx.env })).stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(json[1].specPath, join(fx.dir, "a.yaml"));
  assert.match(json[1].specText, /type: regex/);
  assert.equal(json[1].summary.records, 60);
  assert.equal(json[1].summary.rewards["spans.requests"], 60);
  assert.match(json[1].inputSha256, /^[0-9a-f]{64}$/);

  const none = await runCli(["score", "--spec", "a.yaml", "in.jsonl", "--out", "c.out.jsonl", "--no-record"], { cwd: fx.dir, env: fx.env });
  assert.equal(none.code, 0);
  assert.doesNotMatch(none.stderr, /recorded as run/);
  const bad = await runCli(["score", "--spec", "a.yaml", "in.jsonl", "--record"], { cwd: fx.dir, env: fx.env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--record needs --out <file>/);
  assert.equal((await runCli(["runs", "--json"], { cwd: fx.dir, env: fx.env })).stdout.trim().split("\n").length, 2);
});

test("report writes one self-contained HTML file, with --compare", async () => {
  const r = await runCli(["report", "a.out.jsonl", "--input", "in.jsonl", "--compare", "b.out.jsonl", "--compare-input", "in.jsonl", "-o", "report.html"], { cwd: fx.dir, env: fx.env });
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(fx.dir, "report.html"), "utf8");
  assert.doesNotMatch(html, /<script src=|<link rel="stylesheet" href=|https?:\/\/(?!www\.w3\.org)/, "nothing loaded from elsewhere");
  const data = JSON.parse(/<script type="application\/json" id="rewardsmith-data">([\s\S]*?)<\/script>/.exec(html)![1].replace(/<\\\//g, "</"));
  assert.equal(data.runs.length, 2);
  assert.equal(data.compare.summary.paired, 60);
  assert.ok(data.compare.summary.changedReward > 0);
  const missing = await runCli(["report", "nope.jsonl", "-o", "x.html"], { cwd: fx.dir, env: fx.env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot build the report: .*nope\.jsonl/);
  assert.equal(existsSync(join(fx.dir, "x.html")), false);
});

test("view over results files, with the bearer token of serve", async () => {
  const env = { ...fx.env, VIEW_TOKEN: "s3cret" };
  const view = await startView(["a.out.jsonl", "--input", "in.jsonl", "--token-env", "VIEW_TOKEN"], { cwd: fx.dir, env });
  try {
    const base = view.url.replace(/\?.*$/, "");
    assert.equal((await fetch(`${base}api/runs`)).status, 401);
    const ok = await fetch(`${base}api/runs/1/records?status=ok&limit=5`, { headers: { authorization: "Bearer s3cret" } });
    assert.equal(ok.status, 200);
    const page = (await ok.json()) as { total: number; rows: unknown[] };
    assert.equal(page.total, 60);
    assert.equal(page.rows.length, 5);
    const bad = await fetch(`${base}api/runs/1/records?min=abc`, { headers: { authorization: "Bearer s3cret" } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /min must be a number/);
    // Opening the printed URL once sets a cookie; the page and its bundle then load.
    const login = await fetch(`${base}?token=s3cret`, { redirect: "manual" });
    assert.equal(login.status, 302);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const js = await fetch(`${base}assets/app.js`, { headers: { cookie } });
    assert.equal(js.status, 200);
    assert.ok((await js.text()).length > 10_000);
  } finally {
    await view.stop();
  }
});
