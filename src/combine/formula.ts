/**
 * A small, safe arithmetic language over component rewards. It is parsed into closures, never
 * eval'd. Grammar (lowest precedence first):
 *   cond    := or ("?" cond ":" cond)?
 *   or      := and ("||" and)*
 *   and     := cmp ("&&" cmp)*
 *   cmp     := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
 *   sum     := prod (("+" | "-") prod)*
 *   prod    := unary (("*" | "/" | "%") unary)*
 *   unary   := ("-" | "+" | "!") unary | power
 *   power   := atom ("^" unary)?            (right associative: 2^3^2 = 2^9)
 *   atom    := number | name | name "(" args ")" | "(" cond ")"
 * Comparisons and logic give 1 or 0; a value is true when it is not 0.
 */

export type Formula = (values: Readonly<Record<string, number>>) => number;

export interface CompiledFormula {
  evaluate: Formula;
  /** The component names the formula reads. */
  variables: string[];
}

export class FormulaError extends Error {
  override name = "FormulaError";
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at character ${position + 1}`);
    this.position = position;
  }
}

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  min: { arity: [1, Infinity], fn: Math.min },
  max: { arity: [1, Infinity], fn: Math.max },
  abs: { arity: [1, 1], fn: Math.abs },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: Math.round },
  exp: { arity: [1, 1], fn: Math.exp },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  log: { arity: [1, 1], fn: Math.log },
  sigmoid: { arity: [1, 1], fn: (x) => 1 / (1 + Math.exp(-x)) },
  clip: { arity: [3, 3], fn: (x, lo, hi) => Math.min(Math.max(x, lo), hi) },
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

type Token =
  | { kind: "num"; value: number; pos: number }
  | { kind: "name"; value: string; pos: number }
  | { kind: "op"; value: string; pos: number }
  | { kind: "end"; pos: number };

const OPERATORS = ["<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "^", "<", ">", "!", "(", ")", ",", "?", ":"];
const MAX_FORMULA_LENGTH = 10_000;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i, i + 64));
    if (num) {
      tokens.push({ kind: "num", value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
    if (name) {
      tokens.push({ kind: "name", value: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new FormulaError(`unexpected character ${JSON.stringify(c)}`, i);
    tokens.push({ kind: "op", value: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: "end", pos: src.length });
  return tokens;
}

type Node = Formula;

/** Parse a formula. `known` lists the names it may read; anything else is an error naming the position. */
export function compileFormula(src: string, known: readonly string[]): CompiledFormula {
  if (src.length > MAX_FORMULA_LENGTH) throw new FormulaError(`formula longer than ${MAX_FORMULA_LENGTH} characters`, 0);
  const tokens = tokenize(src);
  const variables = new Set<string>();
  let k = 0;
  const peek = () => tokens[k];
  const isOp = (v: string) => {
    const t = tokens[k];
    return t.kind === "op" && t.value === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new FormulaError(`expected "${v}"`, peek().pos);
    k++;
  };
  let depth = 0;

  const cond = (): Node => {
    if (++depth > 200) throw new FormulaError("formula nested too deeply", peek().pos);
    const test = or();
    let node = test;
    if (isOp("?")) {
      k++;
      const a = cond();
      expect(":");
      const b = cond();
      node = (v) => (test(v) !== 0 ? a(v) : b(v));
    }
    depth--;
    return node;
  };
  const or = (): Node => {
    let left = and();
    while (isOp("||")) {
      k++;
      const l = left;
      const r = and();
      left = (v) => (l(v) !== 0 || r(v) !== 0 ? 1 : 0);
    }
    return left;
  };
  const and = (): Node => {
    let left = cmp();
    while (isOp("&&")) {
      k++;
      const l = left;
      const r = cmp();
      left = (v) => (l(v) !== 0 && r(v) !== 0 ? 1 : 0);
    }
    return left;
  };
  const cmp = (): Node => {
    const l = sum();
    const t = peek();
    if (t.kind !== "op" || !["==", "!=", "<", "<=", ">", ">="].includes(t.value)) return l;
    k++;
    const r = sum();
    switch (t.value) {
      case "==": return (v) => (l(v) === r(v) ? 1 : 0);
      case "!=": return (v) => (l(v) !== r(v) ? 1 : 0);
      case "<": return (v) => (l(v) < r(v) ? 1 : 0);
      case "<=": return (v) => (l(v) <= r(v) ? 1 : 0);
      case ">": return (v) => (l(v) > r(v) ? 1 : 0);
      default: return (v) => (l(v) >= r(v) ? 1 : 0);
    }
  };
  const sum = (): Node => {
    let left = prod();
    while (isOp("+") || isOp("-")) {
      const op = (peek() as { value: string }).value;
      k++;
      const l = left;
      const r = prod();
      left = op === "+" ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    return left;
  };
  const prod = (): Node => {
    let left = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      const op = (peek() as { value: string }).value;
      k++;
      const l = left;
      const r = unary();
      left = op === "*" ? (v) => l(v) * r(v) : op === "/" ? (v) => l(v) / r(v) : (v) => l(v) % r(v);
    }
    return left;
  };
  const unary = (): Node => {
    if (isOp("-") || isOp("+") || isOp("!")) {
      const op = (peek() as { value: string }).value;
      k++;
      if (++depth > 200) throw new FormulaError("formula nested too deeply", peek().pos);
      const x = unary();
      depth--;
      return op === "-" ? (v) => -x(v) : op === "!" ? (v) => (x(v) === 0 ? 1 : 0) : x;
    }
    return power();
  };
  const power = (): Node => {
    const base = atom();
    if (!isOp("^")) return base;
    k++;
    const exponent = unary();
    return (v) => base(v) ** exponent(v);
  };
  const atom = (): Node => {
    const t = peek();
    if (t.kind === "num") {
      k++;
      const value = t.value;
      return () => value;
    }
    if (t.kind === "op" && t.value === "(") {
      k++;
      const inner = cond();
      expect(")");
      return inner;
    }
    if (t.kind === "name") {
      k++;
      if (isOp("(")) return call(t.value, t.pos);
      if (known.includes(t.value)) {
        variables.add(t.value);
        const name = t.value;
        return (v) => v[name];
      }
      if (Object.hasOwn(CONSTANTS, t.value)) {
        const value = CONSTANTS[t.value];
        return () => value;
      }
      const list = known.length ? known.join(", ") : "(none)";
      throw new FormulaError(`unknown name "${t.value}" (rewards in this spec: ${list})`, t.pos);
    }
    if (t.kind === "end") throw new FormulaError("formula ends too early", t.pos);
    throw new FormulaError(`unexpected "${t.value}"`, t.pos);
  };
  const call = (name: string, pos: number): Node => {
    const f = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (!f) throw new FormulaError(`unknown function "${name}" (known: ${Object.keys(FUNCTIONS).join(", ")})`, pos);
    expect("(");
    const args: Node[] = [];
    if (!isOp(")")) {
      args.push(cond());
      while (isOp(",")) {
        k++;
        args.push(cond());
      }
    }
    expect(")");
    const [lo, hi] = f.arity;
    if (args.length < lo || args.length > hi) {
      const want = lo === hi ? `${lo}` : hi === Infinity ? `at least ${lo}` : `${lo} to ${hi}`;
      throw new FormulaError(`${name}() takes ${want} argument(s), got ${args.length}`, pos);
    }
    const fn = f.fn;
    if (args.length === 1) {
      const a = args[0];
      return (v) => fn(a(v));
    }
    return (v) => fn(...args.map((a) => a(v)));
  };

  const root = cond();
  const end = peek();
  if (end.kind !== "end") throw new FormulaError(`unexpected "${"value" in end ? end.value : ""}" after the end of the expression`, end.pos);
  return { evaluate: root, variables: [...variables] };
}
