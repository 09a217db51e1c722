import type { Rational } from "./rational.ts";

/**
 * The expression tree both answers are parsed into. Lists keep the difference between a bare
 * comma list ("1, 2": unordered unless compared with a tuple), a parenthesised tuple, a set
 * (`\{…\}`) and a `;`-separated list of solutions.
 */
export type Node =
  /** A number literal; `decimals` is the count of digits written after the point (for rounding checks). */
  | { k: "num"; v: Rational; decimals: number }
  | { k: "sym"; name: string }
  | { k: "const"; name: "pi" | "e" | "inf" }
  | { k: "add"; args: Node[] }
  | { k: "mul"; args: Node[] }
  | { k: "div"; a: Node; b: Node }
  | { k: "neg"; a: Node }
  | { k: "pow"; a: Node; b: Node }
  /** `a ± b`; `sign` is "pm" or "mp". */
  | { k: "pm"; a: Node | null; b: Node; sign: "pm" | "mp" }
  | { k: "fn"; name: string; args: Node[] }
  | { k: "pct"; a: Node }
  | { k: "text"; s: string }
  | { k: "list"; items: Node[]; sep: "," | ";" }
  | { k: "tuple"; items: Node[] }
  | { k: "set"; items: Node[] }
  | { k: "interval"; lo: Node; hi: Node; lc: boolean; rc: boolean }
  | { k: "union"; parts: Node[] }
  | { k: "matrix"; rows: Node[][] }
  | { k: "ratio"; parts: Node[] }
  /** A chain `a op b op c …`; ops are "=", "<", "<=", ">", ">=", "!=", "~" (approximately), "in". */
  | { k: "rel"; args: Node[]; ops: string[] };
