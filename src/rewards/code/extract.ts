/** Where the program is taken from in a completion. */
export type ExtractMode = "fence" | "any_fence" | "none";

const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\n`]*)\n([\s\S]*?)^ {0,3}\2[`~]*[ \t]*$/gm;

interface Fence {
  tag: string;
  body: string;
}

function fences(text: string): Fence[] {
  const out: Fence[] = [];
  FENCE.lastIndex = 0;
  for (let m = FENCE.exec(text); m; m = FENCE.exec(text)) {
    // As in CommonMark, an indented fence (e.g. in a list item) takes that indentation off its lines.
    const body = m[1] ? m[4].replace(new RegExp(`^ {1,${m[1].length}}`, "gm"), "") : m[4];
    out.push({ tag: m[3].trim().split(/[\s{]/)[0].toLowerCase(), body });
  }
  return out;
}

/**
 * The program in a completion. `fence`: the last fenced block tagged with one of `tags`, else the
 * last untagged block; `any_fence`: the last fenced block whatever its tag; `none`: the whole
 * completion. Returns the code, or why none was found.
 */
export function extractCode(text: string, mode: ExtractMode, tags: readonly string[]): { code: string } | { missing: string } {
  if (mode === "none") return text.trim() === "" ? { missing: "the completion is empty" } : { code: text };
  const all = fences(text);
  let found: Fence | undefined;
  if (mode === "any_fence") found = all.at(-1);
  else found = all.findLast((f) => tags.includes(f.tag)) ?? all.findLast((f) => f.tag === "");
  if (!found) {
    const what = mode === "any_fence" ? "no fenced code block" : `no \`\`\`${tags[0]} code block (nor an untagged one)`;
    return { missing: `${what} in the completion` };
  }
  if (found.body.trim() === "") return { missing: "the code block is empty" };
  return { code: found.body };
}
