import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultRegistry } from "../../src/rewards/index.ts";
import { runCli } from "../helpers.ts";

test("rewardsmith types --json: every registered type's description and options as JSON Schema", async () => {
  const r = await runCli(["types", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  type ObjectSchema = { type?: string; properties?: Record<string, { description?: string }>; oneOf?: ObjectSchema[]; anyOf?: ObjectSchema[] };
  const all = JSON.parse(r.stdout) as Record<string, { description: string; options: ObjectSchema }>;
  // A type whose options depend on a mode (judge: spans) is a union of object schemas.
  const objects = (s: ObjectSchema): ObjectSchema[] => (s.type === "object" ? [s] : (s.oneOf ?? s.anyOf ?? []).flatMap(objects));
  assert.deepEqual(Object.keys(all).sort(), defaultRegistry.names());
  for (const [name, t] of Object.entries(all)) {
    assert.ok(t.description.length > 0, name);
    assert.ok(objects(t.options).length > 0, `${name}: options are not an object schema`);
  }
  for (const alt of objects(all.judge.options)) assert.match(alt.properties!.base_url.description!, /API root of the server/);
  const one = JSON.parse((await runCli(["types", "regex", "--json"])).stdout);
  assert.deepEqual(Object.keys(one), ["regex"]);
});

test("rewardsmith types <name>: a readable page; an unknown name is a usage error", async () => {
  const r = await runCli(["types", "length"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^length: /);
  assert.match(r.stdout, /form \("overlong" \| "target" \| "range", required\)/);
  assert.match(r.stdout, /tolerance \(number, default 0\)\n\s+target: distance/);
  const bad = await runCli(["types", "nope"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown reward type "nope" \(known: .*math/);
});
