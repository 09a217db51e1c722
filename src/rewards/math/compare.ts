import type { Node } from "./ast.ts";
import { type Env, exactValue, freeSymbols, hasDegrees, matrixValue, numericValue } from "./evaluate.ts";
import { complexClose, complexValue } from "./complex.ts";
import { LIMITS } from "./limits.ts";
import * as Q from "./rational.ts";

export interface CompareOptions {
  /** Relative tolerance for floating-point comparison. */
  tolerance: number;
  /** Strict: names matter (x = 5 vs y = 5 differ), no variable renaming, degrees are not radians. */
  strict: boolean;
  /**
   * How a decimal that rounds an exact value is judged. "strict": it must agree within `tolerance`
   * (0.33 ≠ 1/3), except that a reference written as a decimal accepts an exact answer that rounds
   * to it; "lenient": a decimal with ≥ 2 places matches any value that rounds to it, on either side;
   * a number n: both sides agree when rounded to n significant digits.
   */
  rounding: Rounding;
}

export type Rounding = "strict" | "lenient" | number;

/** Is the model's answer `pred` equivalent to the reference `gold`? */
export function equivalent(gold: Node, pred: Node, o: CompareOptions): boolean {
  return new Comparer(o).eqv(canonical(gold), canonical(pred));
}

// ---------------------------------------------------------------------------------------------
// Canonical form: chains reduced, "x ∈ S" replaced by S, ± expanded, solution lists shaped.

const INEQ = new Set(["<", "<=", ">", ">="]);
const KNOWN_FUNCTIONS = new Set(["sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "asin", "acos", "atan",
  "sinh", "cosh", "tanh", "log", "ln", "lg", "logb", "exp", "sqrt", "abs", "floor", "ceil", "max", "min", "gcd", "lcm", "det", "factorial", "binom", "deg"]);

/** A left-hand side that names the answer (x, a_3, f(x), |AB|, (p, q), NO/BO, V_1:V_2). */
export function nameLike(n: Node): boolean {
  switch (n.k) {
    case "sym":
      return true;
    case "fn":
      return (!KNOWN_FUNCTIONS.has(n.name) || n.name === "abs") && n.args.every((a) => a.k === "sym" || a.k === "num" || nameLike(a));
    case "mul":
      return n.args.every((a) => a.k === "sym");
    case "div":
      return nameLike(n.a) && nameLike(n.b);
    case "ratio":
    case "tuple":
      return (n.k === "ratio" ? n.parts : n.items).every(nameLike);
    default:
      return false;
  }
}

/** `W(n)` and `W(x)`: one unknown function, its argument a dummy name. */
function sameFunction(a: Node, b: Node): boolean {
  if (a.k !== "fn" || b.k !== "fn" || a.name !== b.name || KNOWN_FUNCTIONS.has(a.name) || a.args.length !== b.args.length) return false;
  return a.args.every((x) => x.k === "sym") && b.args.every((x) => x.k === "sym");
}

/** `name = value`, where the value is not itself a name (so `x = y` is an equation). */
function isAssignment(n: Node): n is Node & { k: "rel" } {
  return n.k === "rel" && n.ops.length === 1 && n.ops[0] === "=" && nameLike(n.args[0]) && !nameLike(n.args[1]);
}

/** `name = anything`. */
function isAssignmentLoose(n: Node): n is Node & { k: "rel" } {
  return n.k === "rel" && n.ops.length === 1 && n.ops[0] === "=" && nameLike(n.args[0]);
}

function reduceChain(n: Node & { k: "rel" }): Node {
  let { args, ops } = n;
  const implies = ops.lastIndexOf("=>");
  if (implies >= 0) {
    args = args.slice(implies + 1);
    ops = ops.slice(implies + 1);
    if (ops.length === 0) return args[0];
  }
  const approx = ops.indexOf("~");
  if (approx >= 0) {
    // "x = 1/3 ≈ 0.33", "\frac13 \approx 0.33": the exact value before "≈" is the answer.
    if (approx === 0 && freeSymbols(args[0]).size === 0 && !isCollectionLike(args[0])) return args[0];
    if (ops.slice(0, approx).includes("=")) {
      args = args.slice(0, approx + 1);
      ops = ops.slice(0, approx);
    } else ops = ops.map((op) => (op === "~" ? "=" : op));
  }
  if (ops.length === 1 && ops[0] === "in") return args[1];
  // "1/2 = 10/9"-style numeric chains and "x = 5 + 5 + 1 = 11": the last value is the answer.
  if (ops.length === 1 && ops[0] === "=" && freeSymbols(args[0]).size === 0 && freeSymbols(args[1]).size === 0 && !isCollectionLike(args[0])) return args[1];
  if (ops.length >= 2 && ops.every((op) => op === "=")) {
    const last = args[args.length - 1];
    return nameLike(args[0]) ? { k: "rel", args: [args[0], last], ops: ["="] } : last;
  }
  return { k: "rel", args, ops };
}

/** "x = \frac13 \approx 0.33", "\frac13 \approx 0.33": a chain that states the exact value before its approximation. */
export function statesExactBeforeApprox(n: Node): boolean {
  if (n.k !== "rel") return false;
  const approx = n.ops.indexOf("~");
  if (approx < 0) return false;
  return approx === 0 ? freeSymbols(n.args[0]).size === 0 && !isCollectionLike(n.args[0]) : n.ops.slice(0, approx).includes("=");
}

/** Does the answer write a decimal anywhere (0.33, (1.41, 2))? A reference that does may have been rounded. */
export function writesDecimal(n: Node): boolean {
  if (n.k === "num") return n.decimals > 0;
  for (const v of Object.values(n)) {
    const children = Array.isArray(v) ? v.flat() : [v];
    if (children.some((c) => typeof c === "object" && c !== null && "k" in c && writesDecimal(c as Node))) return true;
  }
  return false;
}

function canonical(n: Node): Node {
  switch (n.k) {
    case "rel": {
      // The chain first: "\frac{4 \pm 2}{2} = 3" is its last value, whatever ± makes of the left side.
      const reduced = reduceChain(n);
      if (reduced.k !== "rel") return canonical(reduced);
      const r: Node = { ...reduced, args: reduced.args.map(canonical) };
      if (isAssignmentLoose(r)) {
        const alts = expandPm(r.args[1]);
        if (alts.length > 1) return { k: "list", sep: ",", items: alts.map((a) => ({ k: "rel", ops: ["="], args: [r.args[0], a] })) };
      }
      return r;
    }
    case "list": {
      const items = n.items.map(canonical).flatMap((x) => (x.k === "list" && x.sep === "," && n.sep === "," ? x.items : [x]));
      if (n.sep === ";") {
        // "p=5, q=2; p=7, q=2": each solution's assignments form an ordered tuple.
        return {
          k: "list",
          sep: ";",
          items: items.map((x) => (x.k === "list" && x.items.every(isAssignmentLoose) ? { k: "tuple", items: x.items.map((a) => (a as { args: Node[] }).args[1]) } : x)),
        };
      }
      // "x < 2 or x > 3": conditions on one variable form a union of intervals.
      if (items.length > 1 && items.every((x) => x.k === "rel") && new Set(items.flatMap((x) => [...freeSymbols(x)])).size === 1) {
        const parts = items.map((x) => intervalOf(x as Node & { k: "rel" }));
        if (parts.every((x) => x !== undefined)) return { k: "union", parts: parts as Node[] };
      }
      return { k: "list", sep: ",", items: items.flatMap(expandPm) };
    }
    case "set":
      return { k: "set", items: n.items.map(canonical).flatMap(expandPm) };
    case "tuple":
      return { k: "tuple", items: n.items.map(canonical) };
    case "union":
      // \{x \mid x < -1\} \cup \{x \mid x > 3\}: set-builder parts are conditions.
      return { k: "union", parts: n.parts.map(canonical).map((x) => (x.k === "rel" ? (solutionSet(x) ?? x) : x)) };
    case "interval":
      return { ...n, lo: canonical(n.lo), hi: canonical(n.hi) };
    default: {
      const alts = expandPm(n);
      return alts.length > 1 ? { k: "list", sep: ",", items: alts } : n;
    }
  }
}

/** The alternatives of an expression with ± (a ± b → a + b, a - b); one alternative when none. */
function expandPm(n: Node): Node[] {
  switch (n.k) {
    case "pm": {
      const as = n.a ? expandPm(n.a) : [null];
      const bs = expandPm(n.b);
      const out: Node[] = [];
      for (const a of as) {
        for (const b of bs) {
          const plus: Node = a ? { k: "add", args: [a, b] } : b;
          const minus: Node = a ? { k: "add", args: [a, { k: "neg", a: b }] } : { k: "neg", a: b };
          out.push(...(n.sign === "pm" ? [plus, minus] : [minus, plus]));
        }
      }
      if (out.length > LIMITS.maxPmExpansion) throw new RangeError("too many ± alternatives");
      return out;
    }
    case "add":
    case "mul": {
      const parts = n.args.map(expandPm);
      if (parts.every((p) => p.length === 1)) return [n];
      return product(parts).map((args) => ({ k: n.k, args }) as Node);
    }
    case "div":
    case "pow": {
      const as = expandPm(n.a);
      const bs = expandPm(n.b);
      if (as.length === 1 && bs.length === 1) return [n];
      return product([as, bs]).map(([a, b]) => ({ k: n.k, a, b }) as Node);
    }
    case "neg":
    case "pct": {
      const as = expandPm(n.a);
      return as.length === 1 ? [n] : as.map((a) => ({ k: n.k, a }) as Node);
    }
    case "fn": {
      const parts = n.args.map(expandPm);
      if (parts.every((p) => p.length === 1)) return [n];
      return product(parts).map((args) => ({ ...n, args }));
    }
    default:
      return [n];
  }
}

function product(parts: Node[][]): Node[][] {
  let acc: Node[][] = [[]];
  for (const p of parts) {
    acc = acc.flatMap((prefix) => p.map((x) => [...prefix, x]));
    if (acc.length > LIMITS.maxPmExpansion) throw new RangeError("too many ± alternatives");
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------

/** Sample points for randomized evaluation: fixed, so results are deterministic. */
const SAMPLE_VALUES = [0.5772, 1.3247, 2.2360, 0.7071, 1.6180, 2.7183, 0.3679, 1.1892];
const POINTS = 5;
const EXTRA_POINTS = 2;

type Interval = { lo: Node; hi: Node; lc: boolean; rc: boolean };

class Comparer {
  private readonly o: CompareOptions;

  constructor(o: CompareOptions) {
    this.o = o;
  }

  eqv(g: Node, p: Node): boolean {
    g = single(g);
    p = single(p);
    if (isAssignmentLoose(g) && isAssignmentLoose(p)) {
      const sameName = key(g.args[0]) === key(p.args[0]) || sameFunction(g.args[0], p.args[0]);
      if ((sameName || !this.o.strict) && this.eqv(g.args[1], p.args[1])) return true;
      return this.relationEqv(g, p);
    }
    if (isAssignment(g) && p.k !== "rel") return this.eqv(g.args[1], p);
    if (isAssignment(p) && g.k !== "rel") return this.eqv(g, p.args[1]);
    if (g.k === "rel" || p.k === "rel") return this.relationOrIntervalEqv(g, p);
    if (isCollection(g) || isCollection(p)) return this.collectionEqv(g, p);
    if (g.k === "interval" || p.k === "interval" || g.k === "union" || p.k === "union") return this.setLikeEqv(g, p);
    if (g.k === "tuple" || p.k === "tuple") {
      if (g.k !== "tuple" || p.k !== "tuple" || g.items.length !== p.items.length) return false;
      return g.items.every((x, i) => this.eqv(x, p.items[i]));
    }
    if (g.k === "matrix" || p.k === "matrix") return this.matrixEqv(g, p);
    if (g.k === "ratio" || p.k === "ratio") return this.ratioEqv(g, p);
    return this.scalarEqv(g, p);
  }

  private collectionEqv(g: Node, p: Node): boolean {
    const gi = items(g);
    const pi = items(p);
    if (g.k === "tuple" || p.k === "tuple") {
      return gi.length === pi.length && gi.every((x, i) => this.eqv(x, pi[i]));
    }
    return gi.every((x) => pi.some((y) => this.eqv(x, y))) && pi.every((y) => gi.some((x) => this.eqv(x, y)));
  }

  private setLikeEqv(g: Node, p: Node): boolean {
    const gp = unionParts(g);
    const pp = unionParts(p);
    if (!gp || !pp) return false;
    return gp.every((x) => pp.some((y) => this.partEqv(x, y))) && pp.every((y) => gp.some((x) => this.partEqv(x, y)));
  }

  private partEqv(a: Node, b: Node): boolean {
    const ia = asInterval(a);
    const ib = asInterval(b);
    if (ia && ib) {
      const loInf = isInfinite(ia.lo) && isInfinite(ib.lo);
      const hiInf = isInfinite(ia.hi) && isInfinite(ib.hi);
      return (loInf || ia.lc === ib.lc) && (hiInf || ia.rc === ib.rc) && this.eqv(ia.lo, ib.lo) && this.eqv(ia.hi, ib.hi);
    }
    if (a.k === "set" && b.k === "set") return this.collectionEqv(a, b);
    return false;
  }

  private relationOrIntervalEqv(g: Node, p: Node): boolean {
    if (g.k === "rel" && p.k === "rel" && this.relationEqv(g, p)) return true;
    const gi = g.k === "rel" ? solutionSet(g) : g;
    const pi = p.k === "rel" ? solutionSet(p) : p;
    if (!gi || !pi || gi.k === "rel" || pi.k === "rel") return false;
    return this.setLikeEqv(gi, pi);
  }

  /** Equations up to rearrangement and scaling; inequalities up to positive scaling. */
  private relationEqv(g: Node & { k: "rel" }, p: Node & { k: "rel" }): boolean {
    if (g.ops.length !== 1 || p.ops.length !== 1) {
      if (g.ops.length !== p.ops.length || g.ops.some((op, i) => op !== p.ops[i])) return false;
      return g.args.every((x, i) => this.eqv(x, p.args[i]));
    }
    const [dg, og] = difference(g);
    const [dp, op] = difference(p);
    if (og !== op) return false;
    const ratioSign = og === "=" || og === "!=" ? 0 : 1;
    return this.proportional(dg, dp, ratioSign);
  }

  /** d1 = c·d2 for a constant c (positive when `sign` is 1) at every sample point. */
  private proportional(d1: Node, d2: Node, sign: number): boolean {
    const syms = [...new Set([...freeSymbols(d1), ...freeSymbols(d2)])];
    let ratio: number | undefined;
    let valid = 0;
    for (let k = 0; k < POINTS; k++) {
      const env = environment(syms, k);
      const a = numericValue(d1, env);
      const b = numericValue(d2, env);
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const za = Math.abs(a) < 1e-12;
      const zb = Math.abs(b) < 1e-12;
      if (za && zb) continue;
      if (za !== zb) return false;
      const r = a / b;
      if (ratio === undefined) ratio = r;
      else if (!close(r, ratio, 1e-6)) return false;
      valid++;
    }
    if (valid === 0) return key(d1) === key(d2);
    if (ratio === undefined || (sign !== 0 && ratio <= 0)) return false;
    for (const env of extraEnvironments(syms, d1, d2)) {
      const a = numericValue(d1, env);
      const b = numericValue(d2, env);
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const za = Math.abs(a) < 1e-12;
      const zb = Math.abs(b) < 1e-12;
      if (za !== zb || (!za && !close(a / b, ratio, 1e-6))) return false;
    }
    return true;
  }

  private matrixEqv(g: Node, p: Node): boolean {
    if (g.k === "matrix" && p.k === "matrix") {
      if (g.rows.length !== p.rows.length || g.rows.some((r, i) => r.length !== p.rows[i].length)) return false;
      return g.rows.every((r, i) => r.every((x, j) => this.eqv(x, p.rows[i][j])));
    }
    const syms = [...new Set([...freeSymbols(g), ...freeSymbols(p)])];
    const env = environment(syms, 0);
    const a = matrixValue(g, env);
    const b = matrixValue(p, env);
    if (!a || !b || a.length !== b.length) return false;
    return a.every((r, i) => r.length === b[i].length && r.every((x, j) => close(x, b[i][j], this.o.tolerance)));
  }

  private ratioEqv(g: Node, p: Node): boolean {
    // "3:4" and "\frac34" are one ratio in two notations.
    if (g.k !== p.k) {
      const r = g.k === "ratio" ? g : (p as Node & { k: "ratio" });
      if (r.parts.length !== 2) return false;
      const quotient: Node = { k: "div", a: r.parts[0], b: r.parts[1] };
      return g.k === "ratio" ? this.scalarEqv(quotient, p) : this.scalarEqv(g, quotient);
    }
    if (g.k !== "ratio" || p.k !== "ratio" || g.parts.length !== p.parts.length) return false;
    if (g.parts.every((x, i) => this.eqv(x, p.parts[i]))) return true;
    const gv = g.parts.map(exactValue);
    const pv = p.parts.map(exactValue);
    if (gv.some((v) => !v || v.n === 0n) || pv.some((v) => !v || v.n === 0n)) return false;
    const r = Q.div(gv[0]!, pv[0]!);
    return gv.every((v, i) => Q.eq(Q.div(v!, pv[i]!), r));
  }

  private scalarEqv(g: Node, p: Node): boolean {
    // Lenient: an angle in degrees also answers the same angle in radians (90° = π/2).
    if (!this.o.strict && hasDegrees(g) !== hasDegrees(p)) {
      if (this.scalarEqv(hasDegrees(g) ? toRadians(g) : g, hasDegrees(p) ? toRadians(p) : p)) return true;
    }
    if (g.k === "pct" || p.k === "pct") {
      const ga = g.k === "pct" ? g.a : g;
      const pa = p.k === "pct" ? p.a : p;
      // The sign as a unit (28% = 28), except against a proportion written as a decimal: 0.25% is not 0.25.
      const bare = g.k === "pct" ? p : g;
      const proportion = bare.k === "num" && bare.decimals > 0 && Q.toNumber(bare.v) > -1 && Q.toNumber(bare.v) < 1;
      if ((!proportion || (g.k === "pct") === (p.k === "pct")) && this.scalarEqv(ga, pa)) return true;
      // One side in percent: "25%" is also its value 0.25 (= 1/4), in every mode.
      if ((g.k === "pct") === (p.k === "pct")) return false;
      const hundred: Node = { k: "num", v: Q.rat(100n), decimals: 0 };
      return g.k === "pct" ? this.scalarEqv({ k: "div", a: ga, b: hundred }, pa) : this.scalarEqv(ga, { k: "div", a: pa, b: hundred });
    }
    if (g.k === "text" || p.k === "text") return textEqv(g, p);
    const eg = exactValue(g);
    const ep = exactValue(p);
    if (eg && ep) {
      if (Q.eq(eg, ep)) return true;
      // Two written numbers (16386.16 ≠ 16386.17) or two integers compare exactly; else within the tolerance.
      const exactOnly = (isLiteral(g) && isLiteral(p)) || (Q.isInt(eg) && Q.isInt(ep));
      if (!exactOnly && close(Q.toNumber(eg), Q.toNumber(ep), this.o.tolerance)) return true;
      return this.rounded(g, p, Q.toNumber(eg), Q.toNumber(ep));
    }
    const sg = freeSymbols(g);
    const sp = freeSymbols(p);
    if (sg.size === 0 && sp.size === 0) {
      const a = numericValue(g, EMPTY);
      const b = numericValue(p, EMPTY);
      if (Number.isFinite(a) && Number.isFinite(b)) return close(a, b, this.o.tolerance) || this.rounded(g, p, a, b);
      if (isInfinite(g) && isInfinite(p)) return Math.sign(a) === Math.sign(b);
      return key(g) === key(p);
    }
    if (textEqv(g, p)) return true;
    let rename: Map<string, string> | undefined;
    if (!this.o.strict && sg.size === 1 && sp.size === 1) {
      const [a] = sg;
      const [b] = sp;
      if (a !== b) rename = new Map([[b, a]]);
    }
    return this.randomEqv(g, p, rename) || this.complexEqv(g, p, sg, sp);
  }

  /** Does a written decimal round the other side's value, under the `rounding` policy? */
  private rounded(g: Node, p: Node, a: number, b: number): boolean {
    const r = this.o.rounding;
    if (typeof r === "number") return (decimalsOf(g) > 0 || decimalsOf(p) > 0) && sameSignificant(a, b, r);
    // Strict: only a reference written as a decimal (a dataset that rounded) accepts an exact answer.
    if (r === "strict" && !(decimalsOf(g) > 0 && decimalsOf(p) === 0)) return false;
    return roundsTo(g, p, a, b);
  }

  /**
   * `i` as the imaginary unit: when `i` is the only letter on both sides (3+4i, e^{i\pi},
   * \frac{1}{1+i}) and they differ as expressions in a variable i, they are compared as complex
   * numbers. With any other letter present (a_i + i x, \sum_{i=1}^n i) `i` stays a variable.
   */
  private complexEqv(g: Node, p: Node, sg: Set<string>, sp: Set<string>): boolean {
    if (!(sg.has("i") || sp.has("i")) || [...sg, ...sp].some((s) => s !== "i")) return false;
    const a = complexValue(g);
    const b = complexValue(p);
    return a !== undefined && b !== undefined && complexClose(a, b, this.o.tolerance);
  }

  /** Symbolic equality by evaluation at fixed pseudo-random points. */
  private randomEqv(g: Node, p: Node, rename: Map<string, string> | undefined): boolean {
    const syms = [...new Set([...freeSymbols(g), ...freeSymbols(p)])];
    let valid = 0;
    for (let k = 0; k < POINTS; k++) {
      const env = environment(syms, k);
      if (rename) for (const [from, to] of rename) (env as Map<string, number>).set(from, env.get(to)!);
      const a = numericValue(g, env);
      const b = numericValue(p, env);
      const fa = Number.isFinite(a);
      const fb = Number.isFinite(b);
      if (!fa && !fb) continue;
      if (fa !== fb || !close(a, b, this.o.tolerance)) return false;
      valid++;
    }
    if (valid === 0) return key(g) === key(p);
    for (const env of extraEnvironments(syms, g, p)) {
      if (rename) for (const [from, to] of rename) env.set(from, env.get(to)!);
      const a = numericValue(g, env);
      const b = numericValue(p, env);
      if (Number.isFinite(a) && Number.isFinite(b) && !close(a, b, this.o.tolerance)) return false;
    }
    return true;
  }
}

const EMPTY: Env = new Map();

/**
 * Points checked after a match at the sample points, which are small and positive (|x - 5| = 5 - x
 * and |x| = x there): two points ten times larger, and when a side writes |…| negative ones too.
 * At these only two finite values that disagree count: answers that assume positive variables
 * (\ln x for \ln|x|) merely differ in domain there.
 */
function* extraEnvironments(syms: string[], a: Node, b: Node): Generator<Map<string, number>> {
  const scales = hasAbs(a) || hasAbs(b) ? [10, -1, -10] : [10];
  for (const scale of scales) {
    for (let k = 0; k < EXTRA_POINTS; k++) {
      const env = environment(syms, k);
      for (const [name, v] of env) env.set(name, v * scale);
      yield env;
    }
  }
}

function environment(syms: string[], k: number): Map<string, number> {
  const env = new Map<string, number>();
  syms.sort();
  for (let j = 0; j < syms.length; j++) env.set(syms[j], SAMPLE_VALUES[(k * 3 + j) % SAMPLE_VALUES.length] + 0.173 * j + 0.31 * k);
  return env;
}

const DEGREE: Node = { k: "div", a: { k: "const", name: "pi" }, b: { k: "num", v: Q.rat(180n), decimals: 0 } };

/** An angle in degrees (90°, 2·45°) as radians: degree marks dropped, the value scaled by π/180. */
function toRadians(n: Node): Node {
  return { k: "mul", args: [dropDegrees(n), DEGREE] };
}

function dropDegrees(n: Node): Node {
  switch (n.k) {
    case "fn":
      return n.name === "deg" ? n.args[0] : n;
    case "add":
    case "mul":
      return { k: n.k, args: n.args.map(dropDegrees) };
    case "neg":
      return { k: "neg", a: dropDegrees(n.a) };
    case "div":
      return { k: "div", a: dropDegrees(n.a), b: n.b };
    default:
      return n;
  }
}

function close(a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-6);
}

/** Decimal places written in a literal (0 for anything else). */
function decimalsOf(n: Node): number {
  if (n.k === "neg") return decimalsOf(n.a);
  return n.k === "num" ? n.decimals : 0;
}

/** A decimal literal with d ≥ 2 places matches a value that needs more places and rounds to it (0.33 for 1/3). */
function roundsTo(g: Node, p: Node, a: number, b: number): boolean {
  const dg = decimalsOf(g);
  const dp = decimalsOf(p);
  const d = Math.max(dg, dp);
  if (d < 2 || Math.min(dg, dp) === d) return false;
  // The other side must need more places than d (it is not itself a shorter decimal).
  const other = dg === d ? p : g;
  if (other.k === "num" || (other.k === "neg" && other.a.k === "num")) return false;
  return Math.abs(a - b) <= 0.5 * 10 ** -d * (1 + 1e-9) + 1e-15;
}

/** a and b agree when both are rounded to `digits` significant digits. */
function sameSignificant(a: number, b: number, digits: number): boolean {
  return Number(a.toPrecision(digits)) === Number(b.toPrecision(digits));
}

function isLiteral(n: Node): boolean {
  return n.k === "num" || (n.k === "neg" && n.a.k === "num");
}

function isInfinite(n: Node): boolean {
  if (n.k === "neg") return isInfinite(n.a);
  return n.k === "const" && n.name === "inf";
}

function isCollectionLike(n: Node): boolean {
  return n.k === "list" || n.k === "set" || n.k === "tuple" || n.k === "interval" || n.k === "matrix";
}

function isCollection(n: Node): boolean {
  return n.k === "list" || n.k === "set";
}

function items(n: Node): Node[] {
  return n.k === "list" || n.k === "set" || n.k === "tuple" ? n.items : [n];
}

/** A one-item list or set stands for its item. */
function single(n: Node): Node {
  while ((n.k === "list" || n.k === "set") && n.items.length === 1) n = n.items[0];
  return n;
}

function unionParts(n: Node): Node[] | undefined {
  if (n.k === "union") return n.parts;
  if (n.k === "interval" || n.k === "set" || n.k === "tuple") return [n];
  return undefined;
}

function asInterval(n: Node): Interval | undefined {
  if (n.k === "interval") return n;
  if (n.k === "tuple" && n.items.length === 2) return { lo: n.items[0], hi: n.items[1], lc: false, rc: false };
  return undefined;
}

const NEG_INF: Node = { k: "neg", a: { k: "const", name: "inf" } };
const POS_INF: Node = { k: "const", name: "inf" };

/**
 * The solution set of one condition: an interval (see intervalOf), or for `x ≠ 2` the two rays
 * (-∞, 2) ∪ (2, ∞). Only for a single condition: in a list, "x ≠ 1, x ≠ 2" means "and".
 */
function solutionSet(r: Node & { k: "rel" }): Node | undefined {
  if (r.ops.length === 1 && r.ops[0] === "!=") {
    const [a, b] = nameLike(r.args[0]) ? r.args : [r.args[1], r.args[0]];
    if (!nameLike(a) || freeSymbols(b).size !== 0) return undefined;
    return { k: "union", parts: [{ k: "interval", lo: NEG_INF, hi: b, lc: false, rc: false }, { k: "interval", lo: b, hi: POS_INF, lc: false, rc: false }] };
  }
  return intervalOf(r);
}

/** `x > 5` → (5, ∞); `-2 ≤ x ≤ 7` → [-2, 7]; undefined when the relation is not of that shape. */
function intervalOf(r: Node & { k: "rel" }): Node | undefined {
  const constant = (n: Node) => freeSymbols(n).size === 0;
  if (r.args.length === 2 && INEQ.has(r.ops[0])) {
    let [a, b] = r.args;
    let op = r.ops[0];
    if (!nameLike(a) && (nameLike(b) || scaledName(b))) {
      [a, b] = [b, a];
      op = flip(op);
    }
    // -x < -5, 2x > 10: the variable's constant factor moves to the bound.
    const scaled = scaledName(a);
    if (scaled && constant(b)) {
      a = scaled.name;
      b = { k: "div", a: b, b: scaled.c };
      if (numericValue(scaled.c, EMPTY) < 0) op = flip(op);
    }
    // |x| < 2 → (-2, 2); |x| >= 2 → (-∞, -2] ∪ [2, ∞)
    if (a.k === "fn" && a.name === "abs" && a.args.length === 1 && nameLike(a.args[0]) && constant(b) && numericValue(b, EMPTY) > 0) {
      const closed = op === "<=" || op === ">=";
      const negB: Node = { k: "neg", a: b };
      if (op === "<" || op === "<=") return { k: "interval", lo: negB, hi: b, lc: closed, rc: closed };
      return { k: "union", parts: [{ k: "interval", lo: NEG_INF, hi: negB, lc: false, rc: closed }, { k: "interval", lo: b, hi: POS_INF, lc: closed, rc: false }] };
    }
    if (!nameLike(a) || !constant(b)) return undefined;
    if (op === ">" || op === ">=") return { k: "interval", lo: b, hi: POS_INF, lc: op === ">=", rc: false };
    return { k: "interval", lo: NEG_INF, hi: b, lc: false, rc: op === "<=" };
  }
  if (r.args.length === 3 && r.ops.every((op) => op === "<" || op === "<=") && constant(r.args[0]) && constant(r.args[2])) {
    const [lo, mid, hi] = r.args;
    const lc = r.ops[0] === "<=";
    const rc = r.ops[1] === "<=";
    // 1 ≤ |z| ≤ 3/2 → [-3/2, -1] ∪ [1, 3/2]
    if (mid.k === "fn" && mid.name === "abs" && nameLike(mid.args[0]) && numericValue(lo, EMPTY) > 0) {
      const neg = (n: Node): Node => ({ k: "neg", a: n });
      return { k: "union", parts: [{ k: "interval", lo: neg(hi), hi: neg(lo), lc: rc, rc: lc }, { k: "interval", lo, hi, lc, rc }] };
    }
    if (nameLike(mid)) return { k: "interval", lo, hi, lc, rc };
  }
  if (r.args.length === 3 && r.ops.every((op) => op === ">" || op === ">=") && nameLike(r.args[1]) && constant(r.args[0]) && constant(r.args[2])) {
    return { k: "interval", lo: r.args[2], hi: r.args[0], lc: r.ops[1] === ">=", rc: r.ops[0] === ">=" };
  }
  return undefined;
}

/** `-x`, `2x`, `-\frac{1}{2}x`: a variable times a non-zero constant. */
function scaledName(n: Node): { name: Node; c: Node } | undefined {
  if (n.k === "neg") {
    if (n.a.k === "sym") return { name: n.a, c: { k: "num", v: Q.rat(-1n), decimals: 0 } };
    const inner = scaledName(n.a);
    return inner && { name: inner.name, c: { k: "neg", a: inner.c } };
  }
  if (n.k !== "mul" || n.args.length !== 2 || n.args[1].k !== "sym" || freeSymbols(n.args[0]).size !== 0) return undefined;
  const c = numericValue(n.args[0], EMPTY);
  return Number.isFinite(c) && c !== 0 ? { name: n.args[1], c: n.args[0] } : undefined;
}

function flip(op: string): string {
  return op === "<" ? ">" : op === ">" ? "<" : op === "<=" ? ">=" : op === ">=" ? "<=" : op;
}

/** `L op R` as `D op' 0` with op' one of "=", "!=", ">", ">=". */
function difference(r: Node & { k: "rel" }): [Node, string] {
  const [l, rt] = r.args;
  const op = r.ops[0];
  if (op === "<" || op === "<=") return [{ k: "add", args: [rt, { k: "neg", a: l }] }, op === "<" ? ">" : ">="];
  return [{ k: "add", args: [l, { k: "neg", a: rt }] }, op];
}

/** Text answers ("Evelyn", "odd", "(C)") compare as letters, case- and bracket-insensitively. */
function textEqv(g: Node, p: Node): boolean {
  const a = flatText(g);
  const b = flatText(p);
  return a !== undefined && b !== undefined && a.length > 0 && a === b;
}

function flatText(n: Node): string | undefined {
  let s: string | undefined;
  switch (n.k) {
    case "text":
      s = n.s;
      break;
    case "sym":
      s = n.name;
      break;
    case "const":
      s = n.name === "inf" ? "infinity" : n.name;
      break;
    case "num":
      s = Q.format(n.v);
      break;
    case "mul": {
      const parts = n.args.map(flatText);
      s = parts.every((x) => x !== undefined) ? parts.join("") : undefined;
      break;
    }
  }
  return s?.toLowerCase().replace(/[\s()[\]{}.,:;'"\\]/g, "");
}

function hasAbs(n: Node): boolean {
  if (n.k === "fn" && n.name === "abs") return true;
  for (const v of Object.values(n)) {
    const children = Array.isArray(v) ? v.flat() : [v];
    if (children.some((c) => typeof c === "object" && c !== null && "k" in c && hasAbs(c as Node))) return true;
  }
  return false;
}

/** A structural key (used where numbers cannot decide, e.g. both sides overflow). */
export function key(n: Node): string {
  return JSON.stringify(n, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}
