/**
 * Euclidean projections onto simple convex sets, for constrained problems min f(x) s.t. x ∈ C.
 * Projected gradient descent is any optimizer step followed by x ← P_C(x):
 *
 *   opt.step(); project(params, { kind: 'box', lower: 0, upper: 1 });
 *
 *   P_C(x) = argmin_{y ∈ C} ‖y - x‖₂, here in closed form:
 *   nonnegative:  y_i = max(x_i, 0)
 *   box:          y_i = min(max(x_i, l_i), u_i)                         l ≤ u
 *   l2ball:       y = c + (x - c) · min(1, r / ‖x - c‖₂)                 ball of radius r around c
 *   simplex:      y_i = max(x_i - τ, 0),  τ such that Σ y_i = z          {y ≥ 0, Σ y_i = z}, z > 0
 *
 * The simplex's τ by the sort-based algorithm (Held, Wolfe & Crowder 1974; Duchi, Shalev-Shwartz,
 * Singer & Chandra 2008, Fig. 1), O(n log n): sort u = x descending, take
 *   ρ = max{ j : u_j - (Σ_{r≤j} u_r - z) / j > 0 },   τ = (Σ_{r≤ρ} u_r - z) / ρ.
 * (z = 1 is the probability simplex; `total` sets z.)
 *
 * The set applies to x = all parameters concatenated in the order given (for the L2 ball the norm
 * is over all of them, as clipGradNorm's). Bounds and the center are numbers (the same for every
 * coordinate) or arrays of the concatenated length.
 */
import type { Param } from './param.js';

export type ConvexSet =
  | { kind: 'nonnegative' }
  | { kind: 'box'; lower: number | ArrayLike<number>; upper: number | ArrayLike<number> }
  | { kind: 'l2ball'; radius: number; center?: number | ArrayLike<number> }
  | { kind: 'simplex'; total?: number };

/**
 * The simplex's threshold τ for x (Duchi et al. 2008, Fig. 1): P(x)_i = max(x_i - τ, 0) sums to z.
 */
export function simplexThreshold(x: ArrayLike<number>, z = 1): number {
  const u = Array.from(x).sort((a, b) => b - a);
  let sum = 0;
  let tau = 0;
  for (let j = 0; j < u.length; j++) {
    sum += u[j];
    const t = (sum - z) / (j + 1);
    if (u[j] - t > 0) tau = t; // ρ = the last j with u_j > τ_j; τ = τ_ρ
  }
  return tau;
}

function asList(params: Param | Param[]): Param[] {
  return Array.isArray(params) ? params : [params];
}

/** A per-coordinate accessor for a number-or-array bound, checked against the total length. */
function coordinate(name: string, v: number | ArrayLike<number>, total: number): (i: number) => number {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new RangeError(`Invalid ${name} value: NaN`);
    return () => v;
  }
  if (!v || typeof v.length !== 'number')
    throw new RangeError(`Invalid ${name} value: expected a number or an array`);
  if (v.length !== total) {
    throw new RangeError(`Length mismatch: ${name} has ${v.length} elements, the parameters have ${total}`);
  }
  return (i) => v[i];
}

/** Projects the parameters' values onto `set`, in place. */
export function project(params: Param | Param[], set: ConvexSet): void {
  const list = asList(params);
  const total = list.reduce((s, p) => s + p.length, 0);
  switch (set?.kind) {
    case 'nonnegative':
      for (const p of list) {
        const x = p.data;
        for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0;
      }
      return;
    case 'box': {
      const lo = coordinate('lower', set.lower, total);
      const hi = coordinate('upper', set.upper, total);
      for (let i = 0; i < total; i++) {
        if (!(lo(i) <= hi(i))) {
          throw new RangeError(`Invalid box: lower[${i}] = ${lo(i)} is above upper[${i}] = ${hi(i)}`);
        }
      }
      let k = 0;
      for (const p of list) {
        const x = p.data;
        for (let i = 0; i < x.length; i++, k++) x[i] = Math.min(Math.max(x[i], lo(k)), hi(k));
      }
      return;
    }
    case 'l2ball': {
      const r = set.radius;
      if (typeof r !== 'number' || !(r >= 0) || !Number.isFinite(r)) {
        throw new RangeError(`Invalid radius value: ${String(r)} (expected a finite number >= 0)`);
      }
      const c = coordinate('center', set.center ?? 0, total);
      // ‖x - c‖ scaled by its largest term, so huge coordinates do not overflow
      let m = 0;
      let k = 0;
      for (const p of list) for (const v of p.data) m = Math.max(m, Math.abs(v - c(k++)));
      if (m === 0) return;
      let s = 0;
      k = 0;
      for (const p of list) for (const v of p.data) s += ((v - c(k++)) / m) ** 2;
      const norm = m * Math.sqrt(s);
      if (norm <= r) return;
      const scale = r / norm;
      k = 0;
      for (const p of list) {
        const x = p.data;
        for (let i = 0; i < x.length; i++, k++) x[i] = c(k) + (x[i] - c(k)) * scale;
      }
      return;
    }
    case 'simplex': {
      const z = set.total ?? 1;
      if (typeof z !== 'number' || !(z > 0) || !Number.isFinite(z)) {
        throw new RangeError(`Invalid total value: ${String(z)} (expected a finite number > 0)`);
      }
      const x: number[] = [];
      for (const p of list) for (const v of p.data) x.push(v);
      const bad = x.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new RangeError(`Cannot project onto the simplex: x[${bad}] = ${x[bad]}`);
      const tau = simplexThreshold(x, z);
      for (const p of list) {
        const d = p.data;
        for (let i = 0; i < d.length; i++) d[i] = Math.max(d[i] - tau, 0);
      }
      return;
    }
    default:
      throw new RangeError(
        `Invalid set: ${JSON.stringify(set)} (expected kind 'nonnegative', 'box', 'l2ball' or 'simplex')`,
      );
  }
}
