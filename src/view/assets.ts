import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Assets {
  js: string;
  css: string;
}

const ENTRY = fileURLToPath(new URL("./ui/main.ts", import.meta.url));
const CSS = fileURLToPath(new URL("./ui/style.css", import.meta.url));

let pending: Promise<Assets> | undefined;

/**
 * The dashboard's script and style sheet. The UI (src/view/ui, with Observable Plot) is bundled
 * by esbuild in memory the first time a process needs it, about a second of work: no build step
 * to forget, no generated file in git that can go stale, nothing fetched at run time.
 */
export function uiAssets(): Promise<Assets> {
  pending ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  }).then((r) => ({ js: r.outputFiles[0].text, css: readFileSync(CSS, "utf8") }));
  pending.catch(() => (pending = undefined));
  return pending;
}
