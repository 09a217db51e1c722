import { LIMITS } from "./limits.ts";

/**
 * Tokens of a normalised answer. `cmd` is a LaTeX command without its backslash; `fn` a known
 * function name; `word` a multi-letter name that is not a function (split into letters later).
 */
export type Token =
  | { t: "num"; v: string }
  | { t: "id"; v: string }
  | { t: "fn"; v: string }
  | { t: "cmd"; v: string }
  | { t: "op"; v: string }
  | { t: "text"; v: string }
  | { t: "begin"; v: string }
  | { t: "end"; v: string };

export const FUNCTIONS = new Set([
  "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "asin", "acos", "atan",
  "sinh", "cosh", "tanh", "log", "ln", "lg", "exp", "sqrt", "abs", "floor", "ceil", "max", "min", "gcd", "lcm", "det",
]);

const RELATIONS: Record<string, string> = {
  le: "<=", leq: "<=", leqslant: "<=", ge: ">=", geq: ">=", geqslant: ">=", lt: "<", gt: ">",
  ne: "!=", neq: "!=", approx: "~", simeq: "~", sim: "~", equiv: "=", in: "in", to: "to", implies: "=>", Rightarrow: "=>",
};
const OPERATORS: Record<string, string> = { cdot: "*", times: "*", ast: "*", div: "/", pm: "pm", mp: "mp", cup: "cup", setminus: "\\", colon: ":", mid: "|" };
const TEXT_COMMANDS = new Set(["text", "textnormal", "textbf", "textit", "textrm", "textsf", "texttt", "mbox", "hbox"]);

export class ParseError extends Error {}

/** The input exceeds a hard bound (see limits.ts): rejected before any expensive work. */
export class LimitError extends ParseError {}

/** Read a brace group starting at `s[i] === "{"`; returns the inside and the index after the closing brace. */
export function braceGroup(s: string, i: number): [string, number] {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === "\\") j++;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return [s.slice(i + 1, j), j + 1];
  }
  throw new ParseError("unbalanced braces");
}

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (out.length > LIMITS.maxTokens) throw new LimitError("answer too long");
    const c = s[i];
    if (c === " " || c === "\n" || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if ((c >= "0" && c <= "9") || (c === "." && s[i + 1] >= "0" && s[i + 1] <= "9")) {
      const m = /^\d*\.?\d*(?:[eE][+-]?\d+(?![a-zA-Z]))?/.exec(s.slice(i, i + 400))!;
      let v = m[0];
      // "2e" or "3e5x": only a real exponent counts; a lone trailing "." is punctuation.
      if (v.endsWith(".")) v = v.slice(0, -1);
      out.push({ t: "num", v });
      i += v.length;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (j < n && /[a-zA-Z]/.test(s[j])) j++;
      const word = s.slice(i, j);
      pushWord(out, word);
      i = j;
      continue;
    }
    if (c === "\\") {
      const next = s[i + 1];
      if (next === undefined) throw new ParseError("dangling backslash");
      if (next === "\\") {
        out.push({ t: "op", v: "\\\\" });
        i += 2;
        continue;
      }
      if (next === "{" || next === "}") {
        out.push({ t: "op", v: next === "{" ? "\\{" : "\\}" });
        i += 2;
        continue;
      }
      if (!/[a-zA-Z]/.test(next)) {
        i += 2; // escaped punctuation we do not need: \, \& \# ...
        continue;
      }
      let j = i + 1;
      while (j < n && /[a-zA-Z]/.test(s[j])) j++;
      const name = s.slice(i + 1, j);
      i = j;
      if (TEXT_COMMANDS.has(name)) {
        while (s[i] === " ") i++;
        if (s[i] !== "{") continue;
        const [inner, after] = braceGroup(s, i);
        i = after;
        // A unit power such as \mbox{ cm}^2 goes with the text.
        const unitPow = /^\s*\^\s*(?:\d|\{[^{}]*\})/.exec(s.slice(i, i + 40));
        if (unitPow) i += unitPow[0].length;
        out.push({ t: "text", v: inner });
        continue;
      }
      if (name === "begin" || name === "end") {
        while (s[i] === " ") i++;
        if (s[i] !== "{") throw new ParseError(`\\${name} without environment`);
        const [env, after] = braceGroup(s, i);
        i = after;
        out.push({ t: name, v: env.replace(/\*$/, "") });
        if (name === "begin" && (env === "array" || env === "tabular")) {
          while (s[i] === " ") i++;
          if (s[i] === "{") i = braceGroup(s, i)[1];
        }
        continue;
      }
      if (name in RELATIONS) out.push({ t: "op", v: RELATIONS[name] });
      else if (name in OPERATORS) out.push({ t: "op", v: OPERATORS[name] });
      else if (FUNCTIONS.has(name)) out.push({ t: "fn", v: name });
      else out.push({ t: "cmd", v: name });
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === "<=" || two === ">=" || two === "!=" || two === "==" || two === "=<" || two === "=>") {
      out.push({ t: "op", v: two === "==" ? "=" : two === "=<" ? "<=" : two === "=>" ? ">=" : two });
      i += 2;
      continue;
    }
    if ("+-*/^_()[]{},;:&|=<>!%'°".includes(c)) {
      out.push({ t: "op", v: c });
      i++;
      continue;
    }
    if (c === "…") {
      i++;
      continue;
    }
    throw new ParseError(`unexpected character "${c}"`);
  }
  return out;
}

/**
 * A run of letters: function names (also glued, as in "sinx"), the constants pi/inf, and otherwise
 * single-letter symbols (implicit multiplication: "xy" is x·y). Word answers such as "odd" become
 * products of letters; the comparison reads them back as text.
 */
function pushWord(out: Token[], word: string): void {
  const lower = word.toLowerCase();
  if (FUNCTIONS.has(word)) return void out.push({ t: "fn", v: word });
  if (lower === "pi") return void out.push({ t: "cmd", v: "pi" });
  if (lower === "inf" || lower === "infty" || lower === "infinity") return void out.push({ t: "cmd", v: "infty" });
  for (const f of FUNCTIONS) {
    if (word.length > f.length && word.startsWith(f) && f.length >= 3) {
      out.push({ t: "fn", v: f });
      return pushWord(out, word.slice(f.length));
    }
  }
  for (const ch of word) out.push({ t: "id", v: ch });
}
