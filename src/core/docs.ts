/**
 * Reward-type documentation generated from the types themselves: the options schema (zod, each
 * field with `.describe()`) is the only source, printed as JSON Schema or as a readable page.
 */
import { z } from "zod";
import type { RewardRegistry } from "./registry.ts";
import type { RewardType } from "./reward.ts";

/** A JSON Schema object (draft 2020-12), as z.toJSONSchema writes it. */
export type JsonSchema = Record<string, unknown>;

/** The options of a reward type as JSON Schema (the spec keys a reward entry takes besides type/weight/on_*). */
export function optionsJsonSchema(type: RewardType): JsonSchema {
  // "input": what a spec may write (fields with defaults are optional); refinements cannot be
  // expressed in JSON Schema and are left out rather than refused.
  return z.toJSONSchema(type.options, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/** Every registered type: its description and options schema, keyed by type id. */
export function registrySchemas(registry: RewardRegistry): Record<string, { description: string; options: JsonSchema }> {
  const out: Record<string, { description: string; options: JsonSchema }> = {};
  for (const name of registry.names()) {
    const type = registry.get(name)!;
    out[name] = { description: type.description, options: optionsJsonSchema(type) };
  }
  return out;
}

/** One option field of a schema, flattened: its dotted path, JSON type, default, and description. */
export interface OptionDoc {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

/** The option fields of a schema, nested ones (`breaker.failures`) included, in schema order. */
export function optionFields(schema: JsonSchema, prefix = ""): OptionDoc[] {
  const out: OptionDoc[] = [];
  const visit = (s: JsonSchema, at: string) => {
    const properties = s.properties as Record<string, JsonSchema> | undefined;
    const required = new Set((s.required as string[] | undefined) ?? []);
    if (properties) {
      for (const [key, field] of Object.entries(properties)) {
        const path = at ? `${at}.${key}` : key;
        const doc: OptionDoc = { path, type: typeName(field), required: required.has(key) };
        if ("default" in field) doc.default = field.default;
        if (typeof field.description === "string") doc.description = field.description;
        out.push(doc);
        visit(field, path);
      }
    }
    for (const key of ["anyOf", "oneOf", "allOf"]) {
      const list = s[key];
      if (Array.isArray(list)) for (const alt of list) visit(alt as JsonSchema, at);
    }
    if (s.items && typeof s.items === "object") visit(s.items as JsonSchema, `${at}[]`);
  };
  visit(schema, prefix);
  return out;
}

function typeName(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in s) return JSON.stringify(s.const);
  if (typeof s.type === "string") return s.type === "array" && s.items && typeof s.items === "object" ? `${typeName(s.items as JsonSchema)}[]` : s.type;
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alts)) return alts.map(typeName).join(" | ");
  return "any";
}

/** What a type leaves undocumented: "" for the type itself, else the option paths without a description. */
export function undocumented(type: RewardType): string[] {
  const out: string[] = [];
  if (type.description.trim() === "") out.push("");
  for (const f of optionFields(optionsJsonSchema(type))) if (!f.description?.trim()) out.push(f.path);
  return out;
}

/** A readable page for one reward type: what it does and each option with its type, default and description. */
export function formatRewardType(type: RewardType): string {
  const lines = [`${type.type}: ${type.description}`, "", "options:"];
  const fields = optionFields(optionsJsonSchema(type));
  if (fields.length === 0) lines.push("  (none)");
  for (const f of fields) {
    const facts = [f.type, f.required ? "required" : f.default !== undefined ? `default ${JSON.stringify(f.default)}` : "optional"].join(", ");
    lines.push(`  ${f.path} (${facts})`);
    if (f.description) lines.push(`      ${f.description}`);
  }
  lines.push("", "Every reward also takes: type, weight (default 1), on_error and on_unscorable (propagate | zero | skip).");
  return lines.join("\n") + "\n";
}
