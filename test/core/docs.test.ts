import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { formatRewardType, optionsJsonSchema, registrySchemas, undocumented } from "../../src/core/docs.ts";
import { RewardRegistry } from "../../src/core/registry.ts";
import { defineRewardType, perSample } from "../../src/core/reward.ts";
import { ok } from "../../src/core/types.ts";
import { defaultRegistry } from "../../src/rewards/index.ts";

test("docs: every registered reward type and every one of its option fields (nested ones too) has a description", () => {
  const missing: string[] = [];
  for (const name of defaultRegistry.names()) {
    for (const path of undocumented(defaultRegistry.get(name)!)) missing.push(path === "" ? `${name} (the type)` : `${name}.${path}`);
  }
  assert.deepEqual(missing, [], "describe them with .describe() in the options schema: the schema is the documentation");
});

const half = defineRewardType({
  type: "half",
  description: "always 0.5",
  options: z.strictObject({
    scale: z.number().default(1).describe("Multiplies the reward."),
    nested: z.strictObject({ flag: z.boolean().optional() }).optional().describe("A nested block."),
    bare: z.string().optional(),
  }),
  create: (o, context) => perSample(context, () => ok(0.5 * o.scale)),
});

test("docs: an undocumented option, nested or not, and a type without description are reported", () => {
  assert.deepEqual(undocumented(half), ["nested.flag", "bare"]);
  assert.deepEqual(undocumented({ ...half, description: " " }), ["", "nested.flag", "bare"]);
});

test("docs: options as JSON Schema and as a readable page", () => {
  const schema = optionsJsonSchema(half) as { type: string; properties: Record<string, { description?: string; default?: unknown }> };
  assert.equal(schema.type, "object");
  assert.equal(schema.properties.scale.description, "Multiplies the reward.");
  assert.equal(schema.properties.scale.default, 1);
  const page = formatRewardType(half);
  assert.match(page, /^half: always 0\.5/);
  assert.match(page, /scale \(number, default 1\)\n {6}Multiplies the reward\./);
  assert.match(page, /nested\.flag \(boolean, optional\)/);
  const all = registrySchemas(new RewardRegistry().register(half));
  assert.deepEqual(Object.keys(all), ["half"]);
  assert.equal(all.half.description, "always 0.5");
});

test("defineRewardType: the factory gets the type id as context.type, perSample(context, fn) uses it", async () => {
  const reward = half.create(half.options.parse({}), { name: "h", type: half.type, specDir: "." });
  assert.equal(reward.type, "half");
  assert.equal(reward.name, "h");
  assert.deepEqual(await reward.score([{ completion: "x" }]), [{ reward: 0.5, status: "ok" }]);
});
