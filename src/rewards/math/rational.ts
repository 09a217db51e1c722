/** Exact rational numbers over BigInt, always normalised (gcd 1, positive denominator). */
export interface Rational {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rat(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError("division by zero");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g === 1n ? { n, d } : { n: n / g, d: d / g };
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };

export const add = (a: Rational, b: Rational): Rational => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => rat(a.n * b.d, a.d * b.n);
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const eq = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;
export const isInt = (a: Rational): boolean => a.d === 1n;

/** Bit length of |n| (0 for 0). */
export function bits(n: bigint): number {
  return (n < 0n ? -n : n).toString(16).length * 4;
}

/** a^k for an integer k, or undefined when the result would exceed `maxBits` (the caller falls back to floats). */
export function pow(a: Rational, k: bigint, maxBits: number): Rational | undefined {
  if (k === 0n) return ONE;
  if (a.n === 0n) return k > 0n ? ZERO : undefined;
  const e = k < 0n ? -k : k;
  const size = Math.max(bits(a.n), bits(a.d));
  if (size * Number(e) > maxBits) return undefined;
  const r = rat(a.n ** e, a.d ** e);
  return k < 0n ? div(ONE, r) : r;
}

export function toNumber(a: Rational): number {
  const n = Number(a.n);
  const d = Number(a.d);
  if (Number.isFinite(n) && Number.isFinite(d)) return n / d;
  // Both huge: scale down keeping the leading digits.
  const shift = BigInt(Math.max(bits(a.n), bits(a.d)) - 1000);
  return Number(a.n >> shift) / Number(a.d >> shift);
}

/** Parse a plain decimal literal such as "12", "0.25", ".5" or "1.5e-3" exactly. */
export function fromDecimal(text: string): Rational {
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) throw new SyntaxError(`not a number: ${text}`);
  const frac = m[2] ?? "";
  let r = rat(BigInt((m[1] || "0") + frac), 10n ** BigInt(frac.length));
  if (m[3]) {
    const e = BigInt(m[3]);
    r = e >= 0n ? mul(r, rat(10n ** e)) : div(r, rat(10n ** -e));
  }
  return r;
}

export function format(a: Rational): string {
  return a.d === 1n ? a.n.toString() : `${a.n}/${a.d}`;
}
