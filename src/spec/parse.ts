import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { CombineSpec } from "../combine/combine.ts";
import { combineSchemaFor } from "../combine/schema.ts";
import { compileFormula, FormulaError } from "../combine/formula.ts";
import { errorMessage, SpecError, type SpecIssue } from "../core/errors.ts";
import type { RewardRegistry } from "../core/registry.ts";
import { type NormalizeSpec, normalizeSchema } from "../normalize/spec.ts";
import { defaultRegistry } from "../rewards/index.ts";
import { preview, toSpecIssues } from "./issues.ts";
import { COMMON_KEYS, REWARD_NAME, rewardCommonSchema, specDocumentSchema } from "./schema.ts";
import type { RewardSpec, Spec } from "./spec.ts";

export interface ParseOptions {
  file?: string;
  /** Base for relative paths in options; defaults to the file's directory, else the working directory. */
  dir?: string;
  registry?: RewardRegistry;
}

/** Read and validate a spec file (YAML or JSON). Throws SpecError naming the file and every problem found. */
export function loadSpec(path: string, options: Omit<ParseOptions, "file" | "dir"> = {}): Spec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SpecError(path, [{ path: "", message: `cannot read the file: ${errorMessage(err)}` }]);
  }
  return parseSpec(parseSpecText(text, path), { ...options, file: path });
}

/** Parse spec text (YAML, of which JSON is a subset) into a plain document. */
export function parseSpecText(text: string, file?: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    throw new SpecError(file, doc.errors.map((e) => ({ path: "", message: `not valid YAML/JSON: ${e.message.split("\n")[0]}` })));
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The YAML library refuses alias bombs (and other resource-exhaustion shapes) while building the value.
    throw new SpecError(file, [{ path: "", message: `not a usable YAML/JSON document: ${errorMessage(err)}` }]);
  }
}

/** Validate a spec document (already parsed from YAML/JSON) against the schema and the reward types. */
export function parseSpec(document: unknown, options: ParseOptions = {}): Spec {
  const registry = options.registry ?? defaultRegistry;
  const file = options.file;
  const dir = options.dir ?? (file ? dirname(resolve(file)) : process.cwd());
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new SpecError(file, [{ path: "", message: `expected a mapping with a "rewards" key, found ${preview(document)}` }]);
  }
  const top = specDocumentSchema.safeParse(document);
  if (!top.success) throw new SpecError(file, toSpecIssues(top.error, document));
  const doc = top.data;
  const issues: SpecIssue[] = [];

  const rewards: RewardSpec[] = [];
  const entries = Object.entries(doc.rewards);
  if (entries.length === 0) issues.push({ path: "rewards", message: "expected at least one reward, found none" });
  for (const [name, raw] of entries) {
    const at = `rewards.${name}`;
    if (!REWARD_NAME.test(name)) {
      issues.push({ path: at, message: "a reward name must be letters, digits and _ (not starting with a digit), so formulas can name it" });
      continue;
    }
    const common = rewardCommonSchema.safeParse(raw);
    if (!common.success) {
      issues.push(...toSpecIssues(common.error, raw, ["rewards", name]));
      continue;
    }
    const type = registry.get(common.data.type);
    if (!type) {
      issues.push({ path: `${at}.type`, message: `expected one of ${registry.names().join(", ")}, found ${preview(common.data.type)}` });
      continue;
    }
    const own = Object.fromEntries(Object.entries(raw).filter(([k]) => !COMMON_KEYS.has(k)));
    const parsed = type.options.safeParse(own);
    if (!parsed.success) {
      issues.push(...toSpecIssues(parsed.error, own, ["rewards", name]));
      continue;
    }
    rewards.push({
      name,
      type: common.data.type,
      weight: common.data.weight,
      onError: common.data.on_error ?? doc.on_error,
      onUnscorable: common.data.on_unscorable ?? doc.on_unscorable,
      options: parsed.data,
    });
  }

  const combine = parseCombine(doc.combine, Object.keys(doc.rewards), issues);
  if (combine?.type === "formula" && rewards.some((r) => r.onError === "skip" || r.onUnscorable === "skip")) {
    issues.push({ path: "combine.formula", message: "a formula needs every value it names: on_error/on_unscorable \"skip\" cannot be used with it (use \"zero\" or \"propagate\")" });
  }
  if (combine?.type === "ensemble") {
    for (const r of rewards) if (r.weight !== 1) issues.push({ path: `rewards.${r.name}.weight`, message: `ensemble members are equally weighted: expected no weight (or 1), found ${r.weight}` });
  }
  const normalize = doc.normalize === undefined ? undefined : parseNormalize(doc.normalize, issues);
  if (issues.length > 0) throw new SpecError(file, issues);
  const spec: Spec = { file, dir, fields: doc.fields ?? {}, rewards, combine: combine!, nullReward: doc.null_reward };
  if (normalize) spec.normalize = normalize;
  return spec;
}

/** `normalize: grpo` is short for `normalize: {type: grpo}`. */
function parseNormalize(raw: unknown, issues: SpecIssue[]): NormalizeSpec | undefined {
  const value = typeof raw === "string" ? { type: raw } : raw;
  const parsed = normalizeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(...toSpecIssues(parsed.error, value, ["normalize"]));
  return undefined;
}

/** The combine block: its shape from the zod schema, then the checks that need the spec's reward names. */
function parseCombine(raw: unknown, names: string[], issues: SpecIssue[]): CombineSpec | undefined {
  const value = raw === undefined ? "weighted_sum" : raw;
  const parsed = combineSchemaFor(value).safeParse(value);
  if (!parsed.success) {
    issues.push(...toSpecIssues(parsed.error, value, ["combine"]));
    return undefined;
  }
  const combine = parsed.data;
  if (combine.type === "formula") {
    try {
      compileFormula(combine.formula, names);
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      issues.push({ path: "combine.formula", message: err.message });
      return undefined;
    }
  }
  if (combine.type === "gate") {
    const unknown = Object.keys(combine.gates).filter((g) => !names.includes(g));
    for (const g of unknown) issues.push({ path: "combine.gates", message: `expected names of rewards in this spec (${names.join(", ")}), found ${preview(g)}` });
    if (unknown.length > 0) return undefined;
  }
  return combine;
}
