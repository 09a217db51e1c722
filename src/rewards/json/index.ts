import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { z } from "zod";
import { defineRewardType, perSample } from "../../core/reward.ts";
import { completionText } from "../../core/text.ts";
import { ok } from "../../core/types.ts";

const options = z
  .strictObject({
    schema: z.record(z.string(), z.unknown()).optional().describe("A JSON Schema the value must satisfy (inline)."),
    schema_file: z.string().min(1).optional().describe("Path of a JSON Schema file, relative to the spec."),
    extract: z.enum(["auto", "whole", "fenced"]).default("auto").describe("auto: the whole answer, else the last fenced block, else the last {...} / [...] span; whole; fenced."),
  })
  .refine((o) => !(o.schema && o.schema_file), { message: "either schema or schema_file, not both", path: ["schema_file"] });

const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\n([\s\S]*?)```/g;

/** Find the JSON text in a completion; returns candidates in the order they should be tried. */
function candidates(text: string, extract: "auto" | "whole" | "fenced"): string[] {
  const out: string[] = [];
  if (extract !== "fenced") out.push(text.trim());
  if (extract === "whole") return out;
  let last: string | undefined;
  for (const m of text.matchAll(FENCE)) last = m[1];
  if (last !== undefined) out.push(last.trim());
  if (extract === "auto") {
    const span = lastBracketSpan(text);
    if (span !== undefined) out.push(span);
  }
  return out;
}

/**
 * The last balanced top-level {...} or [...] span, for JSON embedded in prose. Quotes are tracked
 * only inside a span, so apostrophes in the surrounding prose do not confuse it.
 */
function lastBracketSpan(text: string): string | undefined {
  let last: string | undefined;
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (depth > 0 && inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (depth > 0 && (c === "}" || c === "]")) {
      if (--depth === 0) last = text.slice(start, i + 1);
    } else if (depth > 0 && c === '"') inString = true;
  }
  return last;
}

export const jsonReward = defineRewardType({
  type: "json",
  description: "answer is valid JSON, optionally satisfying a JSON Schema",
  options,
  create(o, context) {
    let validate: ValidateFunction | undefined;
    const schema = o.schema_file ? JSON.parse(readFileSync(resolve(context.specDir, o.schema_file), "utf8")) : o.schema;
    if (schema) {
      const ajv = new Ajv({ allErrors: false, strict: false });
      try {
        validate = ajv.compile(schema);
      } catch (err) {
        throw new Error(`the JSON Schema does not compile: ${(err as Error).message}`);
      }
    }
    return perSample(context, (s) => {
      const text = completionText(s.completion);
      let value: unknown;
      let parsed = false;
      let firstError = "no JSON found";
      for (const c of candidates(text, o.extract)) {
        if (c === "") continue;
        try {
          value = JSON.parse(c);
          parsed = true;
          break;
        } catch (err) {
          if (firstError === "no JSON found") firstError = `not valid JSON: ${(err as Error).message}`;
        }
      }
      if (!parsed) return ok(0, firstError);
      if (validate && !validate(value)) {
        const e = validate.errors?.[0];
        return ok(0, `does not match the schema: ${e ? `${e.instancePath || "(root)"} ${e.message}` : "invalid"}`);
      }
      return ok(1);
    });
  },
});
