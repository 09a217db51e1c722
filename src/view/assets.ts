import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Assets {
  js: string;
  css: string;
}

const ENTRY = fileURLToPath(new URL("./ui/main.ts", import.meta.url));
const CSS = fileURLToPath(new URL("./ui/style.css", import.meta.url));

const pending = new Map<string, Promise<Assets>>();

/**
 * The dashboard's script and style sheet. The UI (src/view/ui, with Observable Plot) is bundled
 * by esbuild in memory the first time a process needs it, about a second of work: no build step
 * to forget, no generated file in git that can go stale, nothing fetched at run time.
 */
export function uiAssets(): Promise<Assets> {
  return bundleUi(ENTRY, [CSS]);
}

/**
 * Bundle a browser entry point (TypeScript, may import Observable Plot and src/view/ui helpers) in
 * memory with esbuild, once per process and entry; the style sheets are concatenated. Other
 * self-contained pages (the eval report) use this same path.
 */
export function bundleUi(entry: string, cssFiles: readonly string[]): Promise<Assets> {
  const key = `${entry}|${cssFiles.join("|")}`;
  let p = pending.get(key);
  if (!p) {
    p = build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: "iife",
      target: "es2022",
      write: false,
      legalComments: "none",
      logLevel: "silent",
    }).then((r) => ({ js: r.outputFiles[0].text, css: cssFiles.map((f) => readFileSync(f, "utf8")).join("\n") }));
    p.catch(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}
