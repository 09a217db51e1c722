import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_PROMPTS, DEFAULT_SYSTEM, MODES } from "../../../src/rewards/judge/prompts.ts";
import { ROOT } from "../../helpers.ts";

test("docs/judges.md shows every mode's default prompt and the system message as they are", () => {
  const doc = readFileSync(join(ROOT, "docs", "judges.md"), "utf8");
  for (const mode of MODES) assert.ok(doc.includes(DEFAULT_PROMPTS[mode]), `the ${mode} prompt in the docs is out of date`);
  assert.ok(doc.includes(DEFAULT_SYSTEM));
});
