/**
 * The one-way dependency rule of ARCHITECTURE.md, checked on the source: every relative import in
 * src/ is parsed, and the test fails on an import cycle, on an import against the layer order, or
 * on a reward importing another reward's internals.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const SRC = resolve(import.meta.dirname, "../src");

/** Higher layers may import lower ones (a larger number), never the reverse. Folders of one layer may import each other. */
const LAYERS: Record<string, number> = {
  "index.ts": 0, // the public face: imports anything, imported by nothing
  cli: 1,
  server: 1,
  testing: 2, // test helpers: anything below cli/server
  search: 3,
  eval: 3,
  view: 3,
  scale: 3,
  store: 3,
  pipeline: 4,
  spec: 5,
  combine: 6,
  normalize: 6,
  rewards: 7,
  core: 8,
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Module specifiers of a file: static imports and re-exports (type-only ones too), dynamic import(). */
function specifiersOf(text: string): string[] {
  const out: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^;"'`]*?from\s*["']([^"']+)["']/g)) out.push(m[1]);
  for (const m of code.matchAll(/(?:^|[\s;])import\s*["']([^"']+)["']/g)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]);
  return out;
}

/** The relative ones: imports within src/. */
function importsOf(text: string): string[] {
  return specifiersOf(text).filter((s) => s.startsWith("."));
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file);
    edges.set(from, importsOf(readFileSync(file, "utf8")).map((s) => relative(SRC, resolve(dirname(file), s))));
  }
  return edges;
}

const top = (file: string) => file.split("/")[0];

test("architecture: every file of src/ belongs to a layer", () => {
  const unknown = [...new Set([...graph().keys()].map(top))].filter((t) => !(t in LAYERS));
  assert.deepEqual(unknown, [], "add the new folder to LAYERS here and to ARCHITECTURE.md");
});

test("architecture: imports only go down the layers (cli, server -> search, eval, view, scale -> pipeline -> spec -> combine, normalize -> rewards -> core)", () => {
  const wrong: string[] = [];
  for (const [from, targets] of graph()) {
    for (const to of targets) {
      if (!to.startsWith("..") && LAYERS[top(to)] < LAYERS[top(from)]) wrong.push(`${from} -> ${to}`);
      if (to.startsWith("..")) wrong.push(`${from} -> ${to} (outside src/)`);
      if (top(to) === "index.ts" && from !== "index.ts") wrong.push(`${from} -> ${to} (nothing imports the public face)`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("architecture: a reward type imports only its own folder, rewards/shared and lower layers", () => {
  const wrong: string[] = [];
  for (const [from, targets] of graph()) {
    const parts = from.split("/");
    if (parts[0] !== "rewards" || parts.length < 3) continue;
    for (const to of targets) {
      const t = to.split("/");
      if (t[0] !== "rewards") continue;
      const own = t[1] === parts[1] || t[1] === "shared";
      if (!own) wrong.push(`${from} -> ${to}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("architecture: no import cycles", () => {
  const edges = graph();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" -> "));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  assert.deepEqual(cycles, []);
});

test("architecture: the browser pages (view/ui, eval/ui) reach no Node module, not even for types", () => {
  // esbuild drops type-only imports, so only this keeps the shapes they share with the server node-free.
  const edges = graph();
  const wrong: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const s of specifiersOf(readFileSync(join(SRC, file), "utf8"))) if (!s.startsWith(".") && s !== "@observablehq/plot") wrong.push(`${file} -> ${s}`);
    for (const next of edges.get(file) ?? []) visit(next);
  };
  for (const entry of ["view/ui/main.ts", "eval/ui/main.ts"]) visit(entry);
  assert.deepEqual(wrong, []);
  assert.ok(seen.has("store/shapes.ts") && seen.has("eval/result.ts"), "the pages read the server's shapes");
});

test("architecture: the import parser sees every kind of import (so the checks above can fail)", () => {
  const found = importsOf(`import a from "./a.ts";\nimport type { B } from "../b.ts";\nexport { c } from "./c.ts";\nexport * from "./d.ts";\nimport "./e.ts";\nconst f = await import("./f.ts");\nimport {\n  g,\n  h,\n} from "./g.ts";\n// import x from "./commented.ts";\nimport z from "zod";`);
  assert.deepEqual(found.sort(), ["../b.ts", "./a.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts", "./g.ts"]);
});
