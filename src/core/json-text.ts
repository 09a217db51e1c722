/**
 * Index just past the balanced JSON value (`{…}` or `[…]`) that starts at `start`, ignoring
 * brackets inside strings; -1 when it never closes. For JSON embedded in model output.
 */
export function balancedJsonEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  return -1;
}
