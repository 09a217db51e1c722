/**
 * Maximum-weight assignment between rows and columns of a score matrix (Hungarian algorithm with
 * potentials, O(n²·m)). Each row is matched to at most one column and vice versa; returns the best
 * total and, per row, its column (or -1).
 */
export function maxAssignment(scores: readonly (readonly number[])[]): { total: number; columnOf: number[] } {
  const rows = scores.length;
  const cols = rows === 0 ? 0 : scores[0].length;
  if (rows === 0 || cols === 0) return { total: 0, columnOf: new Array(rows).fill(-1) };
  if (rows > cols) return transposeAssign(scores, rows, cols);
  // Minimise cost = -score; rows <= cols. 1-based arrays as in the classic formulation.
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const p = new Int32Array(cols + 1); // p[j]: row assigned to column j
  const way = new Int32Array(cols + 1);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(cols + 1).fill(INF);
    const used = new Uint8Array(cols + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = -scores[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOf = new Array<number>(rows).fill(-1);
  let total = 0;
  for (let j = 1; j <= cols; j++) {
    if (p[j] !== 0) {
      columnOf[p[j] - 1] = j - 1;
      total += scores[p[j] - 1][j - 1];
    }
  }
  return { total, columnOf };
}

function transposeAssign(scores: readonly (readonly number[])[], rows: number, cols: number): { total: number; columnOf: number[] } {
  const t: number[][] = [];
  for (let j = 0; j < cols; j++) t.push(scores.map((row) => row[j]));
  const r = maxAssignment(t);
  const columnOf = new Array<number>(rows).fill(-1);
  r.columnOf.forEach((row, col) => {
    if (row >= 0) columnOf[row] = col;
  });
  return { total: r.total, columnOf };
}
