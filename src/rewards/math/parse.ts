import type { Node } from "./ast.ts";
import { LIMITS } from "./limits.ts";
import { normalizeAnswer, VALUE_WORDS } from "./normalize.ts";
import { fromDecimal, rat } from "./rational.ts";
import { checkBounds } from "./bounds.ts";
import { freeSymbols } from "./evaluate.ts";
import { LimitError, ParseError, type Token, tokenize } from "./tokenize.ts";

export { LimitError, ParseError } from "./tokenize.ts";

/** The text is a sentence rather than an answer (the extraction rule found nothing usable). */
export class ProseError extends ParseError {}

/** A recognised notation this verifier does not read (set-builder with a non-interval condition). */
export class UnsupportedError extends ParseError {}

/** Relations a set-builder condition may use to describe an interval. */
const INTERVAL_OPS = new Set(["<", "<=", ">", ">=", "!=", "in"]);
const REL_OPS = new Set(["=", "<", "<=", ">", ">=", "!=", "~", "in", "to", "=>"]);
/** Single letters read as function names when followed by "(": f(x), g(2), P(A), W(n). */
const FUNCTION_LETTERS = new Set(["f", "g", "h", "F", "G", "H", "P", "Q", "W"]);
const IGNORED_COMMANDS = new Set(["displaystyle", "quad", "qquad", "hfill", "mathrm", "nonumber", "notag", "hline", "circ"]);
const DECORATIONS = new Set(["overline", "bar", "vec", "hat", "widehat", "tilde", "overrightarrow", "underline", "boxed", "fbox", "mathbb", "mathcal"]);
const DOTS = new Set(["dots", "ldots", "cdots", "vdots"]);
/** Commands that close a bracket pair; they never start a factor. */
const CLOSERS = new Set(["rfloor", "rceil", "rangle", "rvert", "rVert"]);

/** Parse one answer (LaTeX or plain text) into an expression tree. Throws ParseError. */
export function parseAnswer(text: string): Node {
  if (text.length > LIMITS.maxAnswerChars) throw new LimitError(`answer longer than ${LIMITS.maxAnswerChars} characters`);
  const normalized = normalizeAnswer(text);
  if (looksLikeProse(normalized)) throw new ProseError("looks like prose, not an answer");
  const tokens = tokenize(normalized);
  if (tokens.length === 0) throw new ParseError("empty answer");
  const p = new Parser(tokens);
  const node = p.parseTop();
  if (p.i < tokens.length) throw new ParseError(`unexpected "${tokens[p.i].v}"`);
  checkBounds(node);
  return node;
}

const WORD_FUNCTIONS = new Set(["sin", "cos", "tan", "sec", "csc", "cot", "log", "exp", "sqrt", "max", "min", "gcd", "lcm", "abs", "det", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "floor", "ceil", "mod", "inf", "infty", "ln", "lg", "pi", "dx", "dy", "dt"]);

/** Two plain words in a row ("Jane started growing") mean a sentence, not a mathematical answer. */
function looksLikeProse(s: string): boolean {
  const bare = s.replace(/\\[a-zA-Z]+\s*(?:\{[^{}]*\})?/g, " ");
  const words = bare.match(/[A-Za-z]{2,}/g) ?? [];
  if (/\d/.test(bare) && words.some((w) => w.length >= 4 && /[a-z]/.test(w) && !WORD_FUNCTIONS.has(w.toLowerCase()))) return true;
  let run = 0;
  for (const w of words) {
    // Capitalised names of points and segments (AB, CD) are not words.
    run = WORD_FUNCTIONS.has(w.toLowerCase()) || !/[a-z]/.test(w) ? 0 : run + 1;
    if (run >= 2) return true;
  }
  return false;
}

const num = (n: bigint): Node => ({ k: "num", v: rat(n), decimals: 0 });

const QUALIFIERS = /\b(?:not|least|most|than|about|approx\w*|roughly|around|nearly|almost|maybe|perhaps|possibly|probably|either|wrong|incorrect|if|else|otherwise|unless|except)\b/i;

/**
 * Text next to a value that is only its unit (`\text{ cm}`, `\text{ ways}`) and can be dropped;
 * text with a number, a list ("or 5" is ", 5" by now) or a qualifier ("at least", "not") changes
 * the answer.
 */
function unitText(s: string): boolean {
  return !/[\d,]/.test(s) && !QUALIFIERS.test(s) && !VALUE_WORDS.test(s);
}

class Parser {
  i = 0;
  private depth = 0;
  private absDepth = 0;
  private readonly toks: Token[];

  constructor(toks: Token[]) {
    this.toks = toks;
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isOp(v: string, t = this.peek()): boolean {
    return t !== undefined && t.t === "op" && t.v === v;
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ParseError(`expected "${v}"`);
    this.i++;
  }

  private enter(): void {
    if (++this.depth > LIMITS.maxDepth) throw new LimitError(`nesting deeper than ${LIMITS.maxDepth}`);
  }

  parseTop(): Node {
    return this.parseList();
  }

  /** `a; b` then `a, b` lists; a single item is returned as itself. */
  private parseList(): Node {
    const groups: Node[] = [];
    for (;;) {
      groups.push(this.parseCommaList());
      if (!this.isOp(";")) break;
      this.i++;
      if (this.atListEnd()) break;
    }
    return groups.length === 1 ? groups[0] : { k: "list", items: groups, sep: ";" };
  }

  private atListEnd(): boolean {
    const t = this.peek();
    return t === undefined || (t.t === "op" && [")", "]", "}", "\\}"].includes(t.v)) || t.t === "end";
  }

  private parseCommaList(): Node {
    const items: Node[] = [this.parseRel()];
    while (this.isOp(",")) {
      this.i++;
      if (this.atListEnd() || this.isOp(";") || this.isOp(",")) continue;
      items.push(this.parseRel());
      if (items.length > LIMITS.maxItems) throw new LimitError("too many items");
    }
    return items.length === 1 ? items[0] : { k: "list", items, sep: "," };
  }

  private parseRel(): Node {
    const first = this.parseRatio();
    const args = [first];
    const ops: string[] = [];
    for (let t = this.peek(); t && t.t === "op" && REL_OPS.has(t.v); t = this.peek()) {
      this.i++;
      ops.push(t.v);
      args.push(this.parseRatio());
    }
    return ops.length === 0 ? first : { k: "rel", args, ops };
  }

  private parseRatio(): Node {
    const first = this.parseUnion();
    if (!this.isOp(":")) return first;
    const parts = [first];
    while (this.isOp(":")) {
      this.i++;
      parts.push(this.parseUnion());
    }
    return { k: "ratio", parts };
  }

  private parseUnion(): Node {
    const first = this.parseAdd();
    if (!this.isOp("cup")) return first;
    const parts = [first];
    while (this.isOp("cup")) {
      this.i++;
      parts.push(this.parseAdd());
    }
    return { k: "union", parts };
  }

  private parseAdd(): Node {
    let left: Node;
    if (this.isOp("pm") || this.isOp("mp")) {
      const sign = this.peek()!.v as "pm" | "mp";
      this.i++;
      left = { k: "pm", a: null, b: this.parseMul(), sign };
    } else left = this.parseMul();
    const terms: Node[] = [left];
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== "op") break;
      if (t.v === "+") {
        this.i++;
        terms.push(this.parseMul());
      } else if (t.v === "-") {
        this.i++;
        terms.push({ k: "neg", a: this.parseMul() });
      } else if (t.v === "pm" || t.v === "mp") {
        this.i++;
        const a: Node = terms.length === 1 ? terms[0] : { k: "add", args: terms.splice(0) };
        terms.length = 0;
        terms.push({ k: "pm", a, b: this.parseMul(), sign: t.v });
      } else break;
    }
    return terms.length === 1 ? terms[0] : { k: "add", args: terms };
  }

  /** Explicit `*` and `/`, and implicit multiplication by juxtaposition; unit text is dropped. */
  private parseMul(): Node {
    const factors: Node[] = [this.parseUnary()];
    let juxtaposed = false;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.t === "op" && (t.v === "*" || t.v === "/")) {
        this.i++;
        const f = this.parseUnary();
        if (t.v === "*") factors.push(f);
        else {
          const d: Node = { k: "div", a: factors.pop()!, b: f };
          // "2 1/2": a fraction written right after a whole number is a mixed number.
          const mixed = juxtaposed ? mixedNumber(factors[factors.length - 1], d) : undefined;
          if (mixed) factors[factors.length - 1] = mixed;
          else factors.push(d);
        }
        juxtaposed = false;
      } else if (this.startsFactor(t)) {
        const prev = factors[factors.length - 1];
        const f = this.parsePostfix();
        // "2 4" is neither 8 nor 24.
        if (prev.k === "num" && f.k === "num" && !this.isOp("/")) throw new ParseError("two numbers side by side");
        const mixed = mixedNumber(prev, f);
        if (mixed) factors[factors.length - 1] = mixed;
        else factors.push(f);
        juxtaposed = !mixed;
      } else break;
      if (factors.length > LIMITS.maxItems) throw new LimitError("expression too long");
    }
    const meaningful = factors.filter((f) => f.k !== "text" || !unitText(f.s));
    const kept = meaningful.length > 0 ? meaningful : factors;
    if (kept.length === 1) return kept[0];
    if (kept.every((f) => f.k === "text")) return { k: "text", s: kept.map((f) => (f as { s: string }).s).join(" ") };
    return { k: "mul", args: kept };
  }

  private startsFactor(t: Token): boolean {
    switch (t.t) {
      case "num":
      case "id":
      case "fn":
      case "text":
      case "begin":
        return true;
      case "cmd":
        return !DOTS.has(t.v) && !CLOSERS.has(t.v);
      case "op":
        return t.v === "(" || t.v === "{" || (t.v === "|" && this.absDepth === 0) || t.v === "\\{";
      default:
        return false;
    }
  }

  private parseUnary(): Node {
    const t = this.peek();
    if (t && t.t === "op" && (t.v === "-" || t.v === "+")) {
      this.i++;
      this.enter();
      const inner = this.parseUnary();
      this.depth--;
      return t.v === "-" ? { k: "neg", a: inner } : inner;
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    let base = this.parsePrimary();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== "op") break;
      if (t.v === "^") {
        this.i++;
        base = { k: "pow", a: base, b: this.parseExponent() };
      } else if (t.v === "!") {
        this.i++;
        base = { k: "fn", name: "factorial", args: [base] };
      } else if (t.v === "%") {
        this.i++;
        base = { k: "pct", a: base };
      } else if (t.v === "°") {
        this.i++;
        base = { k: "fn", name: "deg", args: [base] };
      } else if (t.v === "'" && base.k === "sym") {
        this.i++;
        base = { k: "sym", name: base.name + "'" };
      } else if (t.v === "_") {
        this.i++;
        this.rawArgument();
      } else break;
    }
    return base;
  }

  private parseExponent(): Node {
    if (this.isOp("-")) {
      this.i++;
      return { k: "neg", a: this.parseExponent() };
    }
    if (this.isOp("+")) this.i++;
    return this.parsePrimary();
  }

  /** A command argument: a brace group, or else one token (`\frac12`, `\sqrt3`, `x^2`). */
  private parseArgument(): Node {
    if (this.isOp("{")) return this.parsePrimary();
    return this.parsePrimary();
  }

  /** The tokens of a subscript or bound, spelled out (for symbol names such as a_{37}). */
  private rawArgument(): string {
    const t = this.peek();
    if (!t) throw new ParseError("missing argument");
    if (!this.isOp("{")) {
      this.i++;
      return t.v;
    }
    let depth = 0;
    let out = "";
    for (; this.i < this.toks.length; this.i++) {
      const u = this.toks[this.i];
      if (this.isOp("{", u)) depth++;
      else if (this.isOp("}", u) && --depth === 0) {
        this.i++;
        return out;
      }
      if (!(depth === 1 && this.isOp("{", u))) out += u.v;
    }
    throw new ParseError("unbalanced braces");
  }

  private parsePrimary(): Node {
    const t = this.peek();
    if (!t) throw new ParseError("unexpected end of answer");
    this.enter();
    try {
      return this.primary(t);
    } finally {
      this.depth--;
    }
  }

  private primary(t: Token): Node {
    this.i++;
    switch (t.t) {
      case "num":
        return this.number(t.v);
      case "id":
        return this.symbol(t.v);
      case "text":
        return { k: "text", s: t.v };
      case "fn":
        return this.functionCall(t.v);
      case "cmd":
        return this.command(t.v);
      case "begin":
        return this.environment(t.v);
      case "end":
        throw new ParseError(`unexpected \\end{${t.v}}`);
      case "op":
        return this.bracket(t.v);
    }
  }

  private number(v: string): Node {
    const m = /e([+-]?\d+)$/i.exec(v);
    if (m && Math.abs(Number(m[1])) > LIMITS.maxSciExponent) throw new LimitError("scientific exponent too large");
    const dot = v.indexOf(".");
    const mant = v.replace(/e.*$/i, "");
    const node: Node = { k: "num", v: fromDecimal(v), decimals: dot < 0 || m ? 0 : mant.length - dot - 1 };
    // Base subscript: 204_5, 1112_{3}.
    if (this.isOp("_") && dot < 0) {
      const save = this.i;
      this.i++;
      const base = Number(this.rawArgument());
      const value = Number.isInteger(base) && base >= 2 && base <= 36 && v.length <= 60 ? parseBase(v, base) : undefined;
      if (value !== undefined) return num(value);
      this.i = save;
    }
    return node;
  }

  private symbol(name: string): Node {
    let full = name;
    if (this.isOp("_")) {
      this.i++;
      full += "_" + this.rawArgument();
    }
    while (this.isOp("'")) {
      this.i++;
      full += "'";
    }
    if (FUNCTION_LETTERS.has(name) && this.isOp("(")) {
      this.i++;
      const args = this.parseDelimited(")");
      return { k: "fn", name: full, args };
    }
    return { k: "sym", name: full };
  }

  /** Items up to the closing delimiter (consumed). */
  private parseDelimited(close: string): Node[] {
    if (this.isOp(close)) {
      this.i++;
      return [];
    }
    const inner = this.parseList();
    this.expectOp(close);
    return inner.k === "list" && inner.sep === "," ? inner.items : [inner];
  }

  private functionCall(name: string): Node {
    let power: Node | undefined;
    let base: Node | undefined;
    for (;;) {
      if (this.isOp("^")) {
        this.i++;
        power = this.parseExponent();
      } else if (this.isOp("_")) {
        this.i++;
        base = this.parsePrimary();
      } else break;
    }
    let args: Node[];
    if (name === "sqrt" && this.isOp("[")) {
      this.i++;
      const index = this.parseAdd();
      this.expectOp("]");
      args = [this.parseArgument()];
      return { k: "pow", a: args[0], b: { k: "div", a: num(1n), b: index } };
    }
    if (this.isOp("(")) {
      this.i++;
      args = this.parseDelimited(")");
    } else if (this.isOp("{")) args = [this.parsePrimary()];
    else args = [this.looseArgument()];
    let call: Node = { k: "fn", name, args };
    if (base && (name === "log" || name === "lg")) call = { k: "fn", name: "logb", args: [base, ...args] };
    if (power) {
      // \sin^{-1} x is arcsin; \sin^2 x is (\sin x)^2.
      if (power.k === "neg" && power.a.k === "num" && power.a.v.n === 1n && power.a.v.d === 1n && /^(sin|cos|tan)$/.test(name)) {
        return { k: "fn", name: "arc" + name, args };
      }
      call = { k: "pow", a: call, b: power };
    }
    return call;
  }

  /** `\sin 2x`, `\log 5`: an argument without brackets runs over the following juxtaposed atoms. */
  private looseArgument(): Node {
    const factors = [this.parsePostfix()];
    for (let t = this.peek(); t && (t.t === "num" || t.t === "id" || (t.t === "cmd" && !DOTS.has(t.v))); t = this.peek()) {
      factors.push(this.parsePostfix());
    }
    return factors.length === 1 ? factors[0] : { k: "mul", args: factors };
  }

  private command(name: string): Node {
    switch (name) {
      case "frac": {
        const a = this.parseArgument();
        const b = this.parseArgument();
        return { k: "div", a, b };
      }
      case "binom":
      case "choose":
        return { k: "fn", name: "binom", args: [this.parseArgument(), this.parseArgument()] };
      case "pi":
      case "varpi":
        return { k: "const", name: "pi" };
      case "infty":
      case "infin":
        return { k: "const", name: "inf" };
      case "lfloor":
      case "lceil": {
        const inner = this.parseAdd();
        const t = this.peek();
        if (!t || t.t !== "cmd" || (t.v !== "rfloor" && t.v !== "rceil")) throw new ParseError(`unclosed \\${name}`);
        this.i++;
        return { k: "fn", name: name === "lfloor" ? "floor" : "ceil", args: [inner] };
      }
      case "sum":
      case "prod":
      case "int":
      case "lim": {
        let label = name;
        while (this.isOp("_") || this.isOp("^")) {
          label += this.peek()!.v;
          this.i++;
          label += "{" + this.rawArgument() + "}";
        }
        return { k: "fn", name: label, args: [this.parseMul()] };
      }
    }
    if (DECORATIONS.has(name)) return this.parseArgument();
    if (DOTS.has(name)) return { k: "sym", name: "..." };
    if (IGNORED_COMMANDS.has(name)) return this.parsePrimary();
    if (name === "e" || name === "exponentiale") return { k: "const", name: "e" };
    if (name === "emptyset" || name === "varnothing") return { k: "set", items: [] };
    return this.symbol(name);
  }

  private bracket(open: string): Node {
    switch (open) {
      case "(":
      case "[": {
        if (this.isOp(")") || this.isOp("]")) throw new ParseError("empty brackets");
        const inner = this.parseList();
        const close = this.peek();
        if (!close || close.t !== "op" || (close.v !== ")" && close.v !== "]")) throw new ParseError(`unclosed "${open}"`);
        this.i++;
        // "(0;-2;6)": some write tuples with semicolons.
        const items = inner.k === "list" ? inner.items : [inner];
        if (items.length === 1) {
          if (open === "(" && close.v === ")") return items[0];
          if (open === "[" && close.v === "]") return items[0];
          throw new ParseError("mismatched brackets");
        }
        if (items.length === 2 && !(open === "(" && close.v === ")")) {
          return { k: "interval", lo: items[0], hi: items[1], lc: open === "[", rc: close.v === "]" };
        }
        if (open !== "(" && close.v === ")") throw new ParseError("mismatched brackets");
        return { k: "tuple", items };
      }
      case "{": {
        const builder = this.setBuilder("}");
        if (builder) return builder;
        if (this.isOp("}")) {
          this.i++;
          throw new ParseError("empty group");
        }
        const inner = this.parseList();
        this.expectOp("}");
        return inner;
      }
      case "\\{": {
        const builder = this.setBuilder("\\}");
        if (builder) return builder;
        const items = this.parseDelimited("\\}");
        return { k: "set", items: items.flatMap((x) => (x.k === "list" ? x.items : [x])) };
      }
      case "|": {
        this.absDepth++;
        const inner = this.parseAdd();
        this.absDepth--;
        this.expectOp("|");
        return { k: "fn", name: "abs", args: [inner] };
      }
    }
    throw new ParseError(`unexpected "${open}"`);
  }

  /**
   * Set-builder notation `\{x \mid x > 2\}`, `\{x : -1 \le x < 3\}`, `\{x \in \mathbb{R} \mid …\}`
   * (after the opening brace): read as its condition, which compares as an interval. Undefined when
   * the brace does not open set-builder notation. After `\{` a condition that is not an interval on
   * the bound variable over the reals (x^2 = 4, "x > 0 and x < 1", x ∈ ℤ) is an UnsupportedError;
   * after a plain `{` (a LaTeX group such as `\frac{x|y|}{2}`) it is simply not set-builder notation.
   */
  private setBuilder(close: string): Node | undefined {
    const v = this.peek();
    const sep = this.toks[this.i + 1];
    if (!v || v.t !== "id" || !sep || sep.t !== "op" || !["|", ":", "in"].includes(sep.v)) return undefined;
    const [i, depth, absDepth] = [this.i, this.depth, this.absDepth];
    const condition = this.builderCondition(v.v, sep.v, close);
    if (typeof condition !== "string") return condition;
    if (condition === "unsupported" && close === "\\}") throw new UnsupportedError("set-builder notation is read only with an interval condition on its variable over the reals");
    // Not set-builder notation after all: parse the brace from its start, as before the attempt.
    [this.i, this.depth, this.absDepth] = [i, depth, absDepth];
    return undefined;
  }

  /** The interval condition of set-builder notation, "unsupported", or "none" (not set-builder). */
  private builderCondition(variable: string, sep: string, close: string): Node | "unsupported" | "none" {
    try {
      this.i += 2;
      if (sep === "in") {
        const domain = this.parsePrimary();
        if (!this.isOp("|") && !this.isOp(":")) return "none"; // "\{x \in S\}" is a set
        if (domain.k !== "sym" || domain.name !== "R") return "unsupported";
        this.i++;
      }
      const condition = this.parseList();
      this.expectOp(close);
      if (condition.k !== "rel" || !condition.ops.every((op) => INTERVAL_OPS.has(op))) return "unsupported";
      const vars = freeSymbols(condition);
      return vars.size === 1 && vars.has(variable) ? condition : "unsupported";
    } catch (err) {
      if (err instanceof LimitError) throw err;
      return "unsupported";
    }
  }

  private environment(env: string): Node {
    if (!/^(p|b|v|B|V|small)?matrix$|^array$|^tabular$/.test(env)) throw new ParseError(`unsupported environment ${env}`);
    const rows: Node[][] = [];
    let row: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) throw new ParseError(`unclosed ${env}`);
      if (t.t === "end") {
        this.i++;
        break;
      }
      if (this.isOp("\\\\")) {
        this.i++;
        if (row.length) rows.push(row);
        row = [];
        continue;
      }
      if (this.isOp("&")) {
        this.i++;
        continue;
      }
      row.push(this.parseAdd());
      if (row.length > LIMITS.maxItems || rows.length > LIMITS.maxItems) throw new LimitError("matrix too large");
    }
    if (row.length) rows.push(row);
    if (rows.length === 0) throw new ParseError("empty matrix");
    const matrix: Node = { k: "matrix", rows };
    return env === "vmatrix" ? { k: "fn", name: "det", args: [matrix] } : matrix;
  }
}

/** "2\frac{1}{2}" is two and a half, not 2·½. */
function mixedNumber(prev: Node | undefined, next: Node): Node | undefined {
  if (!prev || prev.k !== "num" || prev.decimals !== 0 || prev.v.d !== 1n) return undefined;
  if (next.k !== "div" || next.a.k !== "num" || next.b.k !== "num" || next.a.v.d !== 1n || next.b.v.d !== 1n) return undefined;
  if (next.a.v.n >= next.b.v.n) return undefined;
  return { k: "add", args: [prev, next] };
}

function parseBase(digits: string, base: number): bigint | undefined {
  let value = 0n;
  for (const ch of digits) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    value = value * BigInt(base) + BigInt(d);
  }
  return value;
}
