import type { Node } from "./ast.ts";
import { freeSymbols, numericValue } from "./evaluate.ts";
import { LIMITS } from "./limits.ts";
import { LimitError } from "./tokenize.ts";

const EMPTY = new Map<string, number>();

/**
 * Reject numbers no one can mean as a final answer and that only exist to make checkers slow:
 * power towers (10^{10^{10^{10}}}), huge factorials and binomials. Constant exponents and
 * arguments are evaluated in floating point, which is cheap and cannot hang.
 */
export function checkBounds(node: Node): void {
  switch (node.k) {
    case "pow": {
      checkBounds(node.a);
      checkBounds(node.b);
      if (freeSymbols(node.b).size === 0) {
        const e = Math.abs(numericValue(node.b, EMPTY));
        const base = freeSymbols(node.a).size === 0 ? Math.abs(numericValue(node.a, EMPTY)) : 2;
        if (e > LIMITS.maxExponent && base !== 1 && base !== 0) throw new LimitError(`exponent larger than ${LIMITS.maxExponent}`);
      }
      return;
    }
    case "fn": {
      for (const a of node.args) checkBounds(a);
      if ((node.name === "factorial" || node.name === "binom") && node.args.every((a) => freeSymbols(a).size === 0)) {
        const n = Math.abs(numericValue(node.args[0], EMPTY));
        if (n > LIMITS.maxFactorial) throw new LimitError(`${node.name} argument larger than ${LIMITS.maxFactorial}`);
      }
      return;
    }
    case "add":
    case "mul":
      for (const a of node.args) checkBounds(a);
      return;
    case "div":
      checkBounds(node.a);
      checkBounds(node.b);
      return;
    case "neg":
    case "pct":
      checkBounds(node.a);
      return;
    case "pm":
      if (node.a) checkBounds(node.a);
      checkBounds(node.b);
      return;
    case "list":
    case "tuple":
    case "set":
      for (const a of node.items) checkBounds(a);
      return;
    case "union":
    case "ratio":
      for (const a of node.parts) checkBounds(a);
      return;
    case "interval":
      checkBounds(node.lo);
      checkBounds(node.hi);
      return;
    case "matrix":
      for (const r of node.rows) for (const a of r) checkBounds(a);
      return;
    case "rel":
      for (const a of node.args) checkBounds(a);
      return;
  }
}
