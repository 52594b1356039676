/**
 * Exact coordinate minimization of a quadratic f(θ) = ½ θᵀAθ − bᵀθ (A symmetric positive
 * definite): along coordinate j, f is a parabola with curvature A_jj, so the exact minimizer is
 *
 *   θ_j ← θ_j − g_j / A_jj,    g = ∇f(θ) = Aθ − b,   then   g ← g + Δθ_j A_{:,j}
 *
 * (Gauss–Seidel when cyclic). A step costs O(d) — one axpy of a column of A on the kernels —
 * against GD's O(d²) matrix-vector product, and moves each coordinate with its own curvature A_jj
 * instead of one step 1/λ_max for all: on an axis-aligned (diagonal) A it finishes in one sweep,
 * however ill-conditioned. Memory: A (d² kept as d columns) and 2 d.
 * Rules, stopping and the result: rules.ts.
 */
import { alloc, axpy, type WasmArray } from '@descent/kernels';
import {
  argmaxAbs,
  type CoordinateDescentOptions,
  type CoordinateDescentResult,
  checkStart,
  resolveCoordinateOptions,
  runCoordinateSteps,
} from './rules.js';

export function coordinateDescentQuadratic(
  A: ArrayLike<number>,
  b: ArrayLike<number>,
  x0: ArrayLike<number>,
  options: CoordinateDescentOptions = {},
): CoordinateDescentResult {
  const d = b.length;
  if (!A || A.length !== d * d)
    throw new RangeError(`A has length ${A?.length}, expected d² = ${d * d} (d = b.length)`);
  const Ad = checkStart('A', A, d * d);
  const bd = checkStart('b', b, d);
  for (let i = 0; i < d; i++) {
    if (!(Ad[i * d + i] > 0))
      throw new RangeError(`Invalid A[${i}][${i}]: ${Ad[i * d + i]} (expected a positive diagonal)`);
    for (let j = 0; j < i; j++) {
      if (Ad[i * d + j] !== Ad[j * d + i])
        throw new RangeError(`A is not symmetric: A[${i}][${j}] != A[${j}][${i}]`);
    }
  }
  const theta = checkStart('x0', x0, d);
  const o = resolveCoordinateOptions(d, options);

  const columns: WasmArray<'f64'>[] = [];
  const g = alloc('f64', d);
  try {
    for (let j = 0; j < d; j++) columns.push(alloc('f64', d));
    for (let j = 0; j < d; j++) {
      const col = columns[j].data;
      for (let i = 0; i < d; i++) col[i] = Ad[i * d + j];
    }
    const gd = g.data;
    for (let i = 0; i < d; i++) {
      let s = -bd[i];
      for (let j = 0; j < d; j++) s += Ad[i * d + j] * theta[j];
      gd[i] = s;
    }
    const f = () => {
      let s = 0;
      const gv = g.data; // ½θᵀAθ − bᵀθ = ½ θᵀ(g − b)
      for (let i = 0; i < d; i++) s += 0.5 * theta[i] * (gv[i] - bd[i]);
      return s;
    };
    const step = (j: number) => {
      const delta = -g.data[j] / Ad[j * d + j];
      theta[j] += delta;
      axpy(delta, columns[j], g);
      return Math.abs(delta);
    };
    const run = runCoordinateSteps(
      d,
      o,
      step,
      () => argmaxAbs(g.data),
      f,
      () => theta,
    );
    return { x: theta, fun: f(), ...run };
  } finally {
    for (const c of columns) c.free();
    g.free();
  }
}
