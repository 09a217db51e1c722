import type { Node } from "./ast.ts";
import { LIMITS } from "./limits.ts";
import * as Q from "./rational.ts";

/** Exact value of a constant rational expression, or undefined when it is not one (or too big). */
export function exactValue(node: Node): Q.Rational | undefined {
  try {
    return exact(node);
  } catch {
    return undefined; // division by zero
  }
}

function exact(node: Node): Q.Rational | undefined {
  switch (node.k) {
    case "num":
      return node.v;
    case "neg": {
      const a = exact(node.a);
      return a && Q.neg(a);
    }
    case "add": {
      let acc = Q.ZERO;
      for (const x of node.args) {
        const v = exact(x);
        if (!v) return undefined;
        acc = Q.add(acc, v);
      }
      return acc;
    }
    case "mul": {
      let acc = Q.ONE;
      for (const x of node.args) {
        const v = exact(x);
        if (!v) return undefined;
        acc = Q.mul(acc, v);
      }
      return acc;
    }
    case "div": {
      const a = exact(node.a);
      const b = exact(node.b);
      return a && b ? Q.div(a, b) : undefined;
    }
    case "pow": {
      const a = exact(node.a);
      const b = exact(node.b);
      if (!a || !b || !Q.isInt(b)) return undefined;
      if (b.n > 100_000n || b.n < -100_000n) return undefined;
      return Q.pow(a, b.n, LIMITS.maxPowerBits);
    }
    case "fn": {
      // A degree mark does not change the number: 90° answers 90.
      if (node.name === "deg") return exact(node.args[0]);
      if (node.name === "factorial" && node.args.length === 1) {
        const a = exact(node.args[0]);
        if (!a || !Q.isInt(a) || a.n < 0n || a.n > BigInt(LIMITS.maxExactFactorial)) return undefined;
        let r = 1n;
        for (let k = 2n; k <= a.n; k++) r *= k;
        return Q.rat(r);
      }
      if (node.name === "binom" && node.args.length === 2) {
        const n = exact(node.args[0]);
        const k = exact(node.args[1]);
        if (!n || !k || !Q.isInt(n) || !Q.isInt(k) || n.n > 10_000n || k.n < 0n || k.n > n.n) return undefined;
        let r = 1n;
        const kk = k.n < n.n - k.n ? k.n : n.n - k.n;
        for (let j = 1n; j <= kk; j++) r = (r * (n.n - kk + j)) / j;
        return Q.rat(r);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Values for free symbols during a numeric evaluation. */
export type Env = ReadonlyMap<string, number>;

/** Deterministic stand-in for an unknown function: equal arguments give equal values. */
function opaque(name: string, args: number[]): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  let x = (h % 1000) / 97;
  for (const a of args) x = Math.sin(x * 12.9898 + a * 78.233) * 437.585;
  return x - Math.floor(x) + 0.5;
}

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) return NaN;
  if (n > 170) return Infinity;
  let r = 1;
  for (let k = 2; k <= n; k++) r *= k;
  return r;
}

const TRIG = new Set(["sin", "cos", "tan", "sec", "csc", "cot"]);

const UNARY: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan,
  sec: (x) => 1 / Math.cos(x), csc: (x) => 1 / Math.sin(x), cot: (x) => 1 / Math.tan(x),
  arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  log: Math.log, ln: Math.log, lg: Math.log10, exp: Math.exp, sqrt: Math.sqrt, abs: Math.abs,
  floor: Math.floor, ceil: Math.ceil, factorial,
};

/**
 * Floating-point value of a scalar expression with symbols taken from `env`. Unknown symbols and
 * non-scalar nodes give NaN (the caller then compares structurally).
 */
export function numericValue(node: Node, env: Env): number {
  switch (node.k) {
    case "num":
      return Q.toNumber(node.v);
    case "sym":
      if (node.name === "e") return env.get("e") ?? Math.E;
      return env.get(node.name) ?? NaN;
    case "const":
      return node.name === "pi" ? Math.PI : node.name === "e" ? Math.E : Infinity;
    case "neg":
      return -numericValue(node.a, env);
    case "add": {
      let s = 0;
      for (const x of node.args) s += numericValue(x, env);
      return s;
    }
    case "mul": {
      let p = 1;
      for (const x of node.args) p *= numericValue(x, env);
      return p;
    }
    case "div":
      return numericValue(node.a, env) / numericValue(node.b, env);
    case "pow": {
      const a = numericValue(node.a, env);
      const b = numericValue(node.b, env);
      if (a < 0 && !Number.isInteger(b)) {
        // Powers p/q with an odd q of negatives are real: (-8)^(1/3) = -2, (-8)^(2/3) = 4.
        for (let q = 3; q <= 15; q += 2) {
          const p = b * q;
          if (Math.abs(p - Math.round(p)) < 1e-9) return (Math.round(p) % 2 === 0 ? 1 : -1) * Math.pow(-a, b);
        }
      }
      return Math.pow(a, b);
    }
    case "pct":
      return numericValue(node.a, env);
    case "fn": {
      const args = node.args.map((x) => numericValue(x, env));
      if (node.name === "deg") return args[0];
      // sin 30°, sin(2·45°), sin(45° + 45°): a degree mark anywhere puts the whole argument in degrees.
      if (TRIG.has(node.name) && node.args.length === 1 && hasDegrees(node.args[0])) args[0] *= Math.PI / 180;
      const f = UNARY[node.name];
      if (f && args.length === 1) return f(args[0]);
      switch (node.name) {
        case "logb":
          return args.length === 2 ? Math.log(args[1]) / Math.log(args[0]) : NaN;
        case "max":
          return Math.max(...args);
        case "min":
          return Math.min(...args);
        case "binom": {
          const [n, k] = args;
          if (args.length !== 2 || !Number.isInteger(k) || k < 0) return NaN;
          let r = 1;
          for (let j = 1; j <= k && j <= 1000; j++) r = (r * (n - k + j)) / j;
          return k > 1000 ? NaN : r;
        }
        case "det": {
          const m = node.args.length === 1 ? matrixValue(node.args[0], env) : undefined;
          return m ? determinant(m) : NaN;
        }
        case "gcd":
        case "lcm":
          return NaN;
      }
      return opaque(node.name, args);
    }
    default:
      return NaN;
  }
}

/** Does the expression carry a degree mark (90°, 2·45°, 45° + 45°)? */
export function hasDegrees(node: Node): boolean {
  switch (node.k) {
    case "fn":
      return node.name === "deg" || (!TRIG.has(node.name) && node.args.some(hasDegrees));
    case "add":
    case "mul":
      return node.args.some(hasDegrees);
    case "neg":
      return hasDegrees(node.a);
    case "div":
      return hasDegrees(node.a);
    default:
      return false;
  }
}

/** Free symbols of an expression (not `e`, which is Euler's number). */
export function freeSymbols(node: Node, out: Set<string> = new Set()): Set<string> {
  switch (node.k) {
    case "sym":
      if (node.name !== "e") out.add(node.name);
      break;
    case "num":
    case "const":
    case "text":
      break;
    case "add":
    case "mul":
      for (const x of node.args) freeSymbols(x, out);
      break;
    case "fn":
      for (const x of node.args) freeSymbols(x, out);
      break;
    case "div":
    case "pow":
      freeSymbols(node.a, out);
      freeSymbols(node.b, out);
      break;
    case "neg":
    case "pct":
      freeSymbols(node.a, out);
      break;
    case "pm":
      if (node.a) freeSymbols(node.a, out);
      freeSymbols(node.b, out);
      break;
    case "list":
    case "tuple":
    case "set":
      for (const x of node.items) freeSymbols(x, out);
      break;
    case "union":
    case "ratio":
      for (const x of node.parts) freeSymbols(x, out);
      break;
    case "interval":
      freeSymbols(node.lo, out);
      freeSymbols(node.hi, out);
      break;
    case "matrix":
      for (const r of node.rows) for (const x of r) freeSymbols(x, out);
      break;
    case "rel":
      for (const x of node.args) freeSymbols(x, out);
      break;
  }
  return out;
}

/** A matrix-valued expression (literal, sum, product, scalar multiple) evaluated numerically. */
export function matrixValue(node: Node, env: Env): number[][] | undefined {
  switch (node.k) {
    case "matrix":
      return node.rows.map((r) => r.map((x) => numericValue(x, env)));
    case "neg": {
      const a = matrixValue(node.a, env);
      return a && a.map((r) => r.map((x) => -x));
    }
    case "add": {
      const ms = node.args.map((x) => matrixValue(x, env));
      if (ms.some((m) => !m)) return undefined;
      const [first, ...rest] = ms as number[][][];
      return rest.reduce((acc, m) => (sameShape(acc, m) ? acc.map((r, i) => r.map((x, j) => x + m[i][j])) : [[NaN]]), first);
    }
    case "mul": {
      let acc: number[][] | number = 1;
      for (const x of node.args) {
        const m = matrixValue(x, env) ?? numericValue(x, env);
        acc = multiply(acc, m);
      }
      return typeof acc === "number" ? undefined : acc;
    }
    default:
      return undefined;
  }
}

/** Determinant by Gaussian elimination with partial pivoting (NaN for non-square). */
function determinant(m: number[][]): number {
  const n = m.length;
  if (m.some((r) => r.length !== n)) return NaN;
  const a = m.map((r) => [...r]);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (a[p][c] === 0) return 0;
    if (p !== c) {
      [a[p], a[c]] = [a[c], a[p]];
      det = -det;
    }
    det *= a[c][c];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return det;
}

function sameShape(a: number[][], b: number[][]): boolean {
  return a.length === b.length && a.every((r, i) => r.length === b[i].length);
}

function multiply(a: number[][] | number, b: number[][] | number): number[][] | number {
  if (typeof a === "number" && typeof b === "number") return a * b;
  if (typeof a === "number") return (b as number[][]).map((r) => r.map((x) => a * x));
  if (typeof b === "number") return a.map((r) => r.map((x) => x * b));
  if (a[0].length !== b.length) return [[NaN]];
  return a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
}
