import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseJsonl, runCli, writeFiles } from "../helpers.ts";

const SPEC = "rewards:\n  correct: {type: exact, weight: 1}\n";

test("cli: --help lists commands; no command prints usage and exits 2; unknown command exits 2", async () => {
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /score\s+score a JSONL file/);
  assert.equal((await runCli([])).code, 2);
  const unknown = await runCli(["scroe"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "scroe"/);
  const scoreHelp = await runCli(["score", "--help"]);
  assert.match(scoreHelp.stdout, /--spec <file>/);
});

test("cli score: reads stdin with -, writes --out, summary on stderr", async () => {
  const dir = writeFiles({ "s.yaml": SPEC });
  const input = '{"id":"a","completion":"4","reference":"4"}\n{"id":"b","completion":"5","reference":"4"}\n';
  const out = join(dir, "out.jsonl");
  const r = await runCli(["score", "--spec", join(dir, "s.yaml"), "-", "--out", out], { input });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.deepEqual(parseJsonl(readFileSync(out, "utf8")).map((o) => [o.id, o.reward]), [["a", 1], ["b", 0]]);
  assert.match(r.stderr, /scored 2 records .*\n  ok 2 · unscorable 0 · error 0\n  reward mean 0\.5000 · min 0 · max 1/);
});

test("cli score: --out - writes to stdout, not to a file named '-'", async () => {
  const dir = writeFiles({ "s.yaml": SPEC });
  const r = await runCli(["score", "--spec", join(dir, "s.yaml"), "-", "--out", "-"], { input: '{"completion":"4","reference":"4"}\n', cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJsonl(r.stdout).map((o) => o.reward), [1]);
  assert.equal(existsSync(join(dir, "-")), false);
});

test("cli score: --quiet prints no summary; --concurrency and --batch-size are validated", async () => {
  const dir = writeFiles({ "s.yaml": SPEC, "in.jsonl": '{"completion":"4","reference":"4"}\n' });
  const quiet = await runCli(["score", "--spec", join(dir, "s.yaml"), join(dir, "in.jsonl"), "--quiet", "--concurrency", "2", "--batch-size", "1"]);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, "");
  const bad = await runCli(["score", "--spec", join(dir, "s.yaml"), join(dir, "in.jsonl"), "--concurrency", "0"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--concurrency expects a positive integer/);
});

test("cli score: a broken spec exits 2 naming the file and path, and processes nothing", async () => {
  const dir = writeFiles({ "s.yaml": "rewards:\n  format: {type: regex, pattern: 5}\n", "in.jsonl": '{"completion":"x"}\n' });
  const out = join(dir, "out.jsonl");
  const r = await runCli(["score", "--spec", join(dir, "s.yaml"), join(dir, "in.jsonl"), "--out", out]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid spec .*s\.yaml:\n  rewards\.format\.pattern: expected string, found 5/);
  assert.equal(r.stdout, "");
  assert.equal(existsSync(out), false);
});

test("cli score: usage errors exit 2; a missing input file exits 1", async () => {
  const dir = writeFiles({ "s.yaml": SPEC });
  const noSpec = await runCli(["score", "x.jsonl"]);
  assert.equal(noSpec.code, 2);
  assert.match(noSpec.stderr, /missing --spec/);
  const flag = await runCli(["score", "--spec", join(dir, "s.yaml"), "--bogus"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /Unknown option '--bogus'/);
  const missing = await runCli(["score", "--spec", join(dir, "s.yaml"), join(dir, "nope.jsonl")]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read the input .*nope\.jsonl/);
  const directory = await runCli(["score", "--spec", join(dir, "s.yaml"), dir]);
  assert.equal(directory.code, 1);
  assert.match(directory.stderr, new RegExp(`cannot read the input ${dir}: it is a directory`));
  const unwritable = await runCli(["score", "--spec", join(dir, "s.yaml"), "-", "--out", join(dir, "no/such/dir/out.jsonl")], { input: "" });
  assert.equal(unwritable.code, 1);
});

test("cli validate and types", async () => {
  const dir = writeFiles({ "s.yaml": SPEC, "bad.yaml": "rewards: {a: {type: exact, weight: x}}\n" });
  const v = await runCli(["validate", "--spec", join(dir, "s.yaml")]);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /valid\nrewards:\n  correct: exact \(weight 1/);
  const bad = await runCli(["validate", "--spec", join(dir, "bad.yaml")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /rewards\.a\.weight: expected number, found "x"/);
  const t = await runCli(["types"]);
  assert.match(t.stdout, /exact\s+answer equals the reference/);
});

test("cli types: --help prints its help like every command; an unexpected argument is a usage error", async () => {
  const help = await runCli(["types", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^rewardsmith types\n/);
  const bad = await runCli(["types", "--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bogus/);
  const list = await runCli(["types"]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^reward types:\n/);
});
