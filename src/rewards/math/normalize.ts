/**
 * Text-level clean-up of an extracted answer before tokenising: LaTeX spelling variants, spacing
 * commands, thousands separators, currency, percent and degree words, connective words. Every rule
 * here is linear in the input (no nested quantifiers), so hostile input cannot make it slow.
 */

const FUNCTION_WORDS = new Set([
  "sin", "cos", "tan", "sec", "csc", "cot", "log", "ln", "exp", "sqrt", "arcsin", "arccos", "arctan",
  "sinh", "cosh", "tanh", "max", "min", "gcd", "lcm", "abs", "pi", "det", "mod",
]);

/** Control characters a JSON "\f", "\b", "\t" or "\r" escape leaves where a LaTeX command was meant. */
function repairEscapes(s: string): string {
  return s
    .replace(/\\?\f(?=rac)/g, "\\f")
    .replace(/\\?\x08(?=oxed|egin|inom)/g, "\\b")
    .replace(/\\?\t(?=ext|imes|frac|an\b|heta)/g, "\\t")
    .replace(/\\?\r(?=ight)/g, "\\r");
}

/** The exact fraction of a repeating decimal: integer part, non-repeating digits, repeating digits. */
function repeatingFraction(whole: string, fixed: string, cycle: string): string {
  const scale = 10n ** BigInt(fixed.length);
  const nines = 10n ** BigInt(cycle.length) - 1n;
  const num = (BigInt(whole || "0") * scale + BigInt(fixed || "0")) * nines + BigInt(cycle);
  const den = nines * scale;
  let [a, b] = [num, den];
  while (b !== 0n) [a, b] = [b, a % b];
  return `{\\frac{${num / a}}{${den / a}}}`;
}

/**
 * Repeating decimals as exact fractions: 0.\overline{3}, 0.1\bar{6}, 0.(3), 0.\dot{3},
 * 0.\dot{1}4\dot{2} (dots over the first and last digit of the cycle).
 */
function repeatingDecimals(s: string): string {
  if (!s.includes(".")) return s;
  return s
    .replace(/(\d{0,60})\.(\d{0,60})\\(?:overline|bar)\s*(?:\{\s*(\d{1,60})\s*\}|(\d))/g, (_, w: string, f: string, c1?: string, c2?: string) => repeatingFraction(w, f, c1 ?? c2!))
    .replace(/(\d{0,60})\.(\d{0,60})\\dot\s*(?:\{(\d)\}|(\d))(?:(\d{0,60})\\dot\s*(?:\{(\d)\}|(\d)))?/g,
      (_, w: string, f: string, a1?: string, a2?: string, mid?: string, b1?: string, b2?: string) =>
        repeatingFraction(w, f, (a1 ?? a2!) + (mid ?? "") + (b1 ?? b2 ?? "")))
    .replace(/(\d{1,60})\.(\d{0,60})\((\d{1,60})\)/g, (_, w: string, f: string, c: string) => repeatingFraction(w, f, c));
}

/** `\begin{aligned} x &= 2 \\ y &= 3 \end{aligned}`: the lines as a list, alignment marks dropped. */
function alignedLines(s: string): string {
  const env = /\\(?:begin|end)\s*\{(?:align|aligned|equation|gather|gathered)\*?\}/g;
  if (!env.test(s)) return s;
  return s.replace(env, " ").replace(/\\\\/g, ",").replace(/&/g, " ");
}

/** TeX's `{a \over b}` (also `a \over b` as the whole answer) as `\frac{a}{b}`; at most a few per answer. */
function overFractions(s: string): string {
  for (let n = 0; n < 8; n++) {
    const m = /\\over(?![a-zA-Z])/.exec(s);
    if (!m) return s;
    // The group holding \over: the nearest unclosed "{" before it and its "}".
    let open = -1;
    for (let j = m.index - 1, depth = 0; j >= 0; j--) {
      if (s[j] === "}" && s[j - 1] !== "\\") depth++;
      else if (s[j] === "{" && s[j - 1] !== "\\" && depth-- === 0) {
        open = j;
        break;
      }
    }
    let close = s.length;
    for (let j = m.index + m[0].length, depth = 0; j < s.length; j++) {
      if (s[j] === "{" && s[j - 1] !== "\\") depth++;
      else if (s[j] === "}" && s[j - 1] !== "\\" && depth-- === 0) {
        close = j;
        break;
      }
    }
    if ((open < 0) !== (close === s.length)) return s;
    const num = s.slice(open + 1, m.index);
    const den = s.slice(m.index + m[0].length, close);
    s = s.slice(0, open + 1) + `\\frac{${num}}{${den}}` + s.slice(close);
  }
  return s;
}

export function normalizeAnswer(input: string): string {
  let s = alignedLines(repeatingDecimals(repairEscapes(input)));
  if (s.includes("\\over")) s = overFractions(s);
  // Doubly escaped commands ("\\frac") as found in JSON-in-JSON data.
  if (!/(?<!\\)\\[a-zA-Z]/.test(s)) s = s.replace(/\\\\(?=[a-zA-Z]{2})/g, "\\");
  // … and a doubly escaped fraction or root among single ones ("\\dfrac{1}{2} + \frac{1}{72}"): a row break is never followed by a bare "frac" or "sqrt".
  else if (s.includes("\\\\")) s = s.replace(/(?<!\\)\\\\(?=(?:[dtc]?frac|sqrt)(?![a-zA-Z]))/g, "\\");
  s = s
    .replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\s*\.?/g, "")
    .replace(/\\[dtc]frac(?![a-zA-Z])/g, "\\frac")
    .replace(/\\imath(?![a-zA-Z])/g, "i")
    .replace(/\\[dt]binom(?![a-zA-Z])/g, "\\binom")
    // "5\,\mathrm{kg}", "20\mathrm{~cm}^2": an upright unit after a number (not \mathrm{e}, \mathrm{i}, \mathrm{x}).
    .replace(/(?<=\d\s*(?:\\[,;: ]\s*)?)\\mathrm\s*\{\s*~?\s*((?:[a-zA-Z]{2,}|[mgsLKNJWVA])(?:\s*\/\s*[a-zA-Z]+)?)\s*\}(?=\s*(?:\^\s*(?:\d|\{[^{}]*\}))?\s*$)/, "\\text{ $1}")
    .replace(/\\(?:displaystyle|textstyle|limits|nolimits|mathstrut|boldsymbol|bm|mathbf|mathit|mathrm|mathsf|operatorname|mathnormal|rm|bf|it)(?![a-zA-Z])/g, "")
    .replace(/\{\s*,\s*\}\s*/g, "")
    .replace(/(\d),\\!\s*(?=\d{3})/g, "$1")
    .replace(/(?<!\\)\\(?:quad|qquad|,|;|:|!| |enspace|thinspace)/g, " ")
    .replace(/~/g, " ")
    .replace(/\\\$|\\euro|€|£|¥/g, "")
    .replace(/\$/g, " ")
    .replace(/\\%|％/g, "%")
    .replace(/\s*\b(?:percentage|percent|pct)\b/gi, "%")
    .replace(/\^\s*\{?\s*\\circ\s*\}?|\\degree(?![a-zA-Z])/g, "°")
    // 100°C, 100^\circ\mathrm{F}: the scale letter goes with the degree mark.
    .replace(/°\s*(?:\\(?:text|mathrm)\s*)?(?:\{\s*[CF]\s*\}|[CF](?![a-zA-Z]))/g, "°")
    .replace(/\\text(?:normal|bf|it|rm|sf|tt)?\s*\{\s*(?:and|or)\s*\}|\\mbox\s*\{\s*(?:and|or)\s*\}/g, ",")
    .replace(/\s*,?\s*\b(?:and|or)\b\s*/g, ",")
    // "W(x)=1orW(x)=-1": a connective glued between a value and a capitalised name or bracket.
    .replace(/(?<=[\d)\]}])(?:and|or)(?=[A-Z(\\])/g, ",")
    .replace(/,\s*,/g, ",")
    .replace(/[−–]/g, "-")
    .replace(/×|·/g, "*")
    .replace(/÷/g, "/")
    .replace(/√/g, "\\sqrt")
    .replace(/π/g, "\\pi")
    .replace(/∞/g, "\\infty")
    .replace(/≤/g, "\\le ")
    .replace(/≥/g, "\\ge ")
    .replace(/≠/g, "\\ne ")
    .replace(/±/g, "\\pm ")
    .replace(/≈|≃/g, "\\approx ")
    .replace(/∪/g, "\\cup ")
    .replace(/∈/g, "\\in ");
  // \frac12, \frac3{3}, \frac{1}2: single-character arguments.
  s = s.replace(/\\frac\s*(\d)\s*(\d)/g, "\\frac{$1}{$2}").replace(/\\frac\s*(\d)\s*\{/g, "\\frac{$1}{");
  s = s.trim().replace(/^(?:[,;:\s]|\.(?!\d))+|[.,;:\s]+$/g, "");
  // "\approx 1.41": the value; the engine sees the mark in the extracted text.
  s = s.replace(/^\\(?:approx|simeq|sim)(?![a-zA-Z])\s*/, "");
  // Whole-answer thousands separators: "7,425,000", "1 000", "1,000.5".
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s) || /^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/[, ]/g, "");
  else s = s.replace(/(^|[^\d.,([{])(\d{1,3}(?:,\d{3}){1,6})(?![\d,)\]])/g, (_, pre: string, num: string) => pre + num.replace(/,/g, ""));
  return stripTrailingWords(s);
}

/** A word right after a number that changes its value, so it is no unit ("4 thousand", "4 squared"; "4 cm squared" is). */
export const VALUE_WORDS = /^\s*(?:hundred|thousand|million|billion|trillion|dozen|squared|cubed|factorial)\b/i;

const SHORT_UNITS = new Set(["cm", "mm", "km", "kg", "mg", "ml", "ft", "yd", "mi", "hr", "lb", "oz", "sq", "mph", "kph"]);

/**
 * "125 miles", "5 cm": unit words after a number are dropped. Words of three or more letters
 * after a space count as units (function names excepted); shorter ones only if they are known
 * units, so "3xy" stays a product.
 */
function stripTrailingWords(s: string): string {
  const m = /([\d}])(\s*)((?:[a-zA-Z]{2,}\.?\s*){1,4})$/.exec(s);
  if (!m) return s;
  const words = m[3].trim().split(/[\s.]+/).filter(Boolean);
  const unit = (w: string) => SHORT_UNITS.has(w.toLowerCase()) || (m[2] !== "" && w.length >= 3 && !FUNCTION_WORDS.has(w.toLowerCase()));
  if (!words.every(unit) || VALUE_WORDS.test(m[3])) return s;
  return s.slice(0, m.index + 1).trimEnd();
}
