/**
 * A loss surface f(x, y) sampled on a grid, and its level lines by marching squares.
 *
 *   grid:     v[j * nx + i] = f(x_i, y_j),  x_i = x_lo + i (x_hi - x_lo) / (nx - 1)  (same for y)
 *   levels:   quantiles of the sampled values, so the lines are spread evenly over the picture
 *             whatever the function's range (a Rosenbrock valley and a quadratic bowl alike)
 *   contour:  in each cell, the level c crosses an edge (a, b) where (a < c) != (b < c), at
 *             t = (c - a) / (b - a) along it; 2 crossings make one segment, 4 (a saddle cell) make
 *             two, paired by the value at the cell's centre (the mean of its corners).
 */

export type Domain = [[number, number], [number, number]];

export interface SurfaceGrid {
  nx: number;
  ny: number;
  domain: Domain;
  /** f at the grid points, row j (y_j) after row j - 1; non-finite where f is. */
  values: Float64Array;
}

/** f sampled on an nx x ny grid spanning the domain (corners included). */
export function sampleSurface(
  f: (x: Float64Array) => number,
  domain: Domain,
  nx: number,
  ny: number,
): SurfaceGrid {
  if (!Number.isInteger(nx) || nx < 2) throw new RangeError(`Invalid nx: ${nx} (expected an integer >= 2)`);
  if (!Number.isInteger(ny) || ny < 2) throw new RangeError(`Invalid ny: ${ny} (expected an integer >= 2)`);
  const [[x0, x1], [y0, y1]] = domain;
  const values = new Float64Array(nx * ny);
  const p = new Float64Array(2);
  for (let j = 0; j < ny; j++) {
    p[1] = y0 + ((y1 - y0) * j) / (ny - 1);
    for (let i = 0; i < nx; i++) {
      p[0] = x0 + ((x1 - x0) * i) / (nx - 1);
      values[j * nx + i] = f(p);
    }
  }
  return { nx, ny, domain, values };
}

/** The finite values of a grid, sorted ascending. */
export function sortedFinite(values: Float64Array): Float64Array {
  return values.filter(Number.isFinite).sort();
}

/** `count` levels at the quantiles (k + 0.5) / count of the finite values, strictly increasing. */
export function quantileLevels(values: Float64Array, count: number): number[] {
  const sorted = sortedFinite(values);
  const levels: number[] = [];
  if (sorted.length === 0) return levels;
  for (let k = 0; k < count; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor(((k + 0.5) / count) * sorted.length))];
    if (levels.length === 0 || v > levels[levels.length - 1]) levels.push(v);
  }
  return levels;
}

/** The fraction of `sorted` below v (the empirical CDF): a colour scale that uses every shade. */
export function rankOf(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length === 0 ? 0 : lo / sorted.length;
}

/**
 * Segments [x0, y0, x1, y1] (in domain coordinates) where the sampled surface crosses `level`.
 * Cells with a non-finite corner are skipped.
 */
export function marchingSquares(grid: SurfaceGrid, level: number): number[][] {
  const { nx, ny, values, domain } = grid;
  const [[xa, xb], [ya, yb]] = domain;
  const hx = (xb - xa) / (nx - 1);
  const hy = (yb - ya) / (ny - 1);
  const segments: number[][] = [];
  const crossings: number[][] = [];
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const v00 = values[j * nx + i];
      const v10 = values[j * nx + i + 1];
      const v11 = values[(j + 1) * nx + i + 1];
      const v01 = values[(j + 1) * nx + i];
      if (!(Number.isFinite(v00) && Number.isFinite(v10) && Number.isFinite(v11) && Number.isFinite(v01))) {
        continue;
      }
      // corners in order around the cell: (i, j), (i+1, j), (i+1, j+1), (i, j+1); edge e joins corner e and e+1
      const cx = [i, i + 1, i + 1, i];
      const cy = [j, j, j + 1, j + 1];
      const cv = [v00, v10, v11, v01];
      crossings.length = 0;
      for (let e = 0; e < 4; e++) {
        const a = cv[e];
        const b = cv[(e + 1) % 4];
        if (a < level === b < level) continue;
        const t = (level - a) / (b - a);
        const gx = cx[e] + t * (cx[(e + 1) % 4] - cx[e]);
        const gy = cy[e] + t * (cy[(e + 1) % 4] - cy[e]);
        crossings.push([e, xa + gx * hx, ya + gy * hy]);
      }
      if (crossings.length === 2) {
        segments.push([crossings[0][1], crossings[0][2], crossings[1][1], crossings[1][2]]);
      } else if (crossings.length === 4) {
        // edges 0 (bottom), 1 (right), 2 (top), 3 (left). If the centre is on the side of corner 1
        // (and 3), corners 0 and 2 are cut off: pair (left, bottom) and (right, top); else the reverse.
        const centre = (v00 + v10 + v11 + v01) / 4;
        const [b, r, t, l] = crossings;
        const pairs = centre < level === v10 < level ? [l, b, r, t] : [b, r, t, l];
        segments.push([pairs[0][1], pairs[0][2], pairs[1][1], pairs[1][2]]);
        segments.push([pairs[2][1], pairs[2][2], pairs[3][1], pairs[3][2]]);
      }
    }
  }
  return segments;
}
