/** Comparing query results: multisets of rows, or sequences when the reference orders them. */

function canonicalValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString("hex")}'`;
  return JSON.stringify(v);
}

/** A row as a string key: values in column order; floats rounded to 12 significant digits. */
export function rowKey(row: readonly unknown[]): string {
  return row.map(canonicalValue).join("\u0001");
}

/** Equal results: same rows with the same multiplicities; in the same order when `ordered`. Column names are ignored. */
export function sameResult(a: readonly (readonly unknown[])[], b: readonly (readonly unknown[])[], ordered: boolean): boolean {
  if (a.length !== b.length) return false;
  const ka = a.map(rowKey);
  const kb = b.map(rowKey);
  if (!ordered) {
    ka.sort();
    kb.sort();
  }
  return ka.every((k, i) => k === kb[i]);
}
