import type { Node } from "./ast.ts";
import * as Q from "./rational.ts";

/** A complex number as [real, imaginary]. */
export type Complex = readonly [number, number];

const add = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
const mul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const modulus = (a: Complex): number => Math.hypot(a[0], a[1]);

function div(a: Complex, b: Complex): Complex {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
}

function exp(a: Complex): Complex {
  const r = Math.exp(a[0]);
  return [r * Math.cos(a[1]), r * Math.sin(a[1])];
}

/** Principal logarithm (a negative zero imaginary part counts as zero: log(-4) has argument π). */
const log = (a: Complex): Complex => [Math.log(modulus(a)), Math.atan2(a[1] + 0, a[0])];

function pow(a: Complex, b: Complex): Complex {
  if (a[1] === 0 && b[1] === 0) {
    // Real powers keep the real reading (odd roots of negatives are real); only a negative base
    // with a fractional exponent goes complex (principal value).
    const real = realPow(a[0], b[0]);
    if (!Number.isNaN(real)) return [real, 0];
  }
  if (b[1] === 0 && Number.isInteger(b[0]) && Math.abs(b[0]) <= 64) {
    let r: Complex = [1, 0];
    for (let k = 0; k < Math.abs(b[0]); k++) r = mul(r, a);
    return b[0] < 0 ? div([1, 0], r) : r;
  }
  if (a[0] === 0 && a[1] === 0) return b[0] > 0 ? [0, 0] : [NaN, NaN];
  return exp(mul(b, log(a)));
}

function realPow(a: number, b: number): number {
  if (a < 0 && !Number.isInteger(b)) {
    const inv = 1 / b;
    if (Math.abs(inv - Math.round(inv)) < 1e-9 && Math.round(inv) % 2 !== 0) return -Math.pow(-a, b);
    return NaN;
  }
  return Math.pow(a, b);
}

function sin(a: Complex): Complex {
  return [Math.sin(a[0]) * Math.cosh(a[1]), Math.cos(a[0]) * Math.sinh(a[1])];
}

function cos(a: Complex): Complex {
  return [Math.cos(a[0]) * Math.cosh(a[1]), -Math.sin(a[0]) * Math.sinh(a[1])];
}

const UNARY: Record<string, (a: Complex) => Complex> = {
  sqrt: (a) => (a[1] === 0 && a[0] >= 0 ? [Math.sqrt(a[0]), 0] : exp(mul([0.5, 0], log(a)))),
  exp,
  ln: log,
  log,
  abs: (a) => [modulus(a), 0],
  sin,
  cos,
  tan: (a) => div(sin(a), cos(a)),
};

/**
 * The value of a constant expression in which the symbol `i` is the imaginary unit, or undefined
 * when the expression uses anything this evaluator does not know (other symbols, sets, unknown
 * functions).
 */
export function complexValue(node: Node): Complex | undefined {
  switch (node.k) {
    case "num":
      return [Q.toNumber(node.v), 0];
    case "const":
      return node.name === "pi" ? [Math.PI, 0] : node.name === "e" ? [Math.E, 0] : undefined;
    case "sym":
      return node.name === "i" ? [0, 1] : node.name === "e" ? [Math.E, 0] : undefined;
    case "neg": {
      const a = complexValue(node.a);
      return a && [-a[0], -a[1]];
    }
    case "add":
    case "mul": {
      let acc: Complex = node.k === "add" ? [0, 0] : [1, 0];
      for (const x of node.args) {
        const v = complexValue(x);
        if (!v) return undefined;
        acc = node.k === "add" ? add(acc, v) : mul(acc, v);
      }
      return acc;
    }
    case "div":
    case "pow": {
      const a = complexValue(node.a);
      const b = complexValue(node.b);
      if (!a || !b) return undefined;
      return node.k === "div" ? div(a, b) : pow(a, b);
    }
    case "fn": {
      const f = Object.hasOwn(UNARY, node.name) ? UNARY[node.name] : undefined;
      if (!f || node.args.length !== 1) return undefined;
      const a = complexValue(node.args[0]);
      return a && f(a);
    }
    default:
      return undefined;
  }
}

/** Equal within a relative tolerance on the modulus of the difference. */
export function complexClose(a: Complex, b: Complex, tol: number): boolean {
  if (![a[0], a[1], b[0], b[1]].every(Number.isFinite)) return false;
  const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
  return d <= tol * Math.max(modulus(a), modulus(b), 1e-6);
}
