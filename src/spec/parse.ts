import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { CombineSpec } from "../combine/combine.ts";
import { ENSEMBLE_METHODS, type EnsembleMethod } from "../combine/ensemble.ts";
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

const AGGREGATES = ["weighted_sum", "min", "max", "product"] as const;
const COMBINE_TYPES = [...AGGREGATES, "gate", "formula", "ensemble"];

function parseCombine(raw: unknown, names: string[], issues: SpecIssue[]): CombineSpec | undefined {
  if (raw === undefined) return { type: "weighted_sum" };
  if (typeof raw === "string") {
    if ((AGGREGATES as readonly string[]).includes(raw)) return { type: raw as (typeof AGGREGATES)[number] };
    const hint = raw === "gate" || raw === "formula" || raw === "ensemble" ? ` ("${raw}" needs options: write it as a mapping)` : "";
    issues.push({ path: "combine", message: `expected one of ${COMBINE_TYPES.join(", ")}, found ${preview(raw)}${hint}` });
    return undefined;
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    issues.push({ path: "combine", message: `expected a combinator name or a mapping, found ${preview(raw)}` });
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const type = obj.type ?? ("formula" in obj ? "formula" : undefined);
  const allowed: Record<string, string[]> = { gate: ["type", "gates", "floor", "then"], formula: ["type", "formula"], ensemble: ["type", "method", "lambda", "alpha"] };
  const own = typeof type === "string" && Object.hasOwn(allowed, type) ? allowed[type] : ["type"];
  const unknownKeys = Object.keys(obj).filter((k) => !own.includes(k));
  for (const k of unknownKeys) issues.push({ path: `combine.${k}`, message: "unknown option (not allowed here)" });
  if (typeof type !== "string" || !COMBINE_TYPES.includes(type)) {
    issues.push({ path: "combine.type", message: `expected one of ${COMBINE_TYPES.join(", ")}, found ${preview(type)}` });
    return undefined;
  }
  if ((AGGREGATES as readonly string[]).includes(type)) return { type: type as (typeof AGGREGATES)[number] };
  if (type === "ensemble") return parseEnsemble(obj, issues);
  if (type === "formula") {
    if (typeof obj.formula !== "string" || obj.formula.trim() === "") {
      issues.push({ path: "combine.formula", message: `expected an expression over reward names, found ${preview(obj.formula)}` });
      return undefined;
    }
    try {
      compileFormula(obj.formula, names);
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      issues.push({ path: "combine.formula", message: err.message });
      return undefined;
    }
    return { type: "formula", formula: obj.formula };
  }
  // gate
  const before = issues.length;
  const gates = obj.gates;
  // Entries, not assignments: a gate named "__proto__" must stay a (refused) name, not set a prototype.
  const gateEntries: Array<[string, number]> = [];
  if (typeof gates === "string") gateEntries.push([gates, 1]);
  else if (Array.isArray(gates)) for (const g of gates) gateEntries.push([String(g), 1]);
  else if (gates && typeof gates === "object") {
    for (const [g, t] of Object.entries(gates)) {
      if (typeof t !== "number" || !Number.isFinite(t)) issues.push({ path: `combine.gates.${g}`, message: `expected a threshold number, found ${preview(t)}` });
      else gateEntries.push([g, t]);
    }
  } else issues.push({ path: "combine.gates", message: `expected the gate reward names (a list, or a mapping name: threshold), found ${preview(gates)}` });
  const parsedGates: Record<string, number> = Object.fromEntries(gateEntries);
  for (const g of Object.keys(parsedGates)) {
    if (!names.includes(g)) issues.push({ path: "combine.gates", message: `expected names of rewards in this spec (${names.join(", ")}), found ${preview(g)}` });
  }
  const floor = obj.floor ?? 0;
  if (typeof floor !== "number" || !Number.isFinite(floor)) issues.push({ path: "combine.floor", message: `expected a number, found ${preview(floor)}` });
  const then = obj.then ?? "weighted_sum";
  if (typeof then !== "string" || !(AGGREGATES as readonly string[]).includes(then)) {
    issues.push({ path: "combine.then", message: `expected one of ${AGGREGATES.join(", ")}, found ${preview(then)}` });
  }
  if (issues.length > before) return undefined;
  return { type: "gate", gates: parsedGates, floor: floor as number, then: then as (typeof AGGREGATES)[number] };
}

function parseEnsemble(obj: Record<string, unknown>, issues: SpecIssue[]): CombineSpec | undefined {
  const before = issues.length;
  const method = obj.method;
  if (typeof method !== "string" || !(ENSEMBLE_METHODS as readonly string[]).includes(method)) {
    issues.push({ path: "combine.method", message: `expected one of ${ENSEMBLE_METHODS.join(", ")}, found ${preview(method)}` });
    return undefined;
  }
  const spec: CombineSpec = { type: "ensemble", method: method as EnsembleMethod };
  if (obj.lambda !== undefined) {
    if (method !== "mean_minus_std" && method !== "mean_min") issues.push({ path: "combine.lambda", message: `only mean_minus_std and mean_min take lambda, found it with ${method}` });
    else if (typeof obj.lambda !== "number" || !Number.isFinite(obj.lambda) || obj.lambda < 0 || (method === "mean_min" && obj.lambda > 1)) {
      issues.push({ path: "combine.lambda", message: `expected a number ${method === "mean_min" ? "in [0, 1]" : ">= 0"}, found ${preview(obj.lambda)}` });
    } else spec.lambda = obj.lambda;
  }
  if (obj.alpha !== undefined) {
    if (method !== "cvar") issues.push({ path: "combine.alpha", message: `only cvar takes alpha, found it with ${method}` });
    else if (typeof obj.alpha !== "number" || !(obj.alpha > 0 && obj.alpha <= 1)) issues.push({ path: "combine.alpha", message: `expected a number in (0, 1], found ${preview(obj.alpha)}` });
    else spec.alpha = obj.alpha;
  }
  return issues.length > before ? undefined : spec;
}
