/**
 * The critical-point explorer's work, done in the compute worker: findCriticalPoints (Newton on
 * ∇f = 0 from a 12 x 12 grid of starts over the plot) and, at one point, f, ∇f, the Hessian H and
 * its eigen-decomposition, classified by classifyCriticalPoint:
 *
 *   all λ > 0 minimum,  all λ < 0 maximum,  mixed signs saddle,  some λ = 0 degenerate
 *
 * The point is critical when ‖∇f‖∞ <= 1e-6 max(1, |f|). Everything returned is plain numbers, so
 * it crosses to the page as a structured clone.
 */
import { classifyCriticalPoint, findCriticalPoints, hessian, type Problem } from '@descent/core';
import type { Domain } from './surface.js';

export interface FoundPoint {
  x: [number, number];
  f: number;
  kind: string;
}

export interface PointReport {
  x: [number, number];
  f: number;
  g: [number, number];
  /** H row-major: [H₁₁, H₁₂, H₂₁, H₂₂]. */
  H: number[];
  /** Ascending, with their unit eigenvectors. */
  eigenvalues: number[];
  eigenvectors: [number, number][];
  /** The Hessian's kind (what the point would be if it were critical). */
  kind: string;
  critical: boolean;
  condition: number;
  /** |λ| <= tol counted as zero. */
  tol: number;
}

/** Every critical point in the box, as findCriticalPoints finds it from a 12 x 12 grid of starts. */
export function searchCriticalPoints(problem: Problem, domain: Domain): FoundPoint[] {
  return findCriticalPoints(problem, domain, { pointsPerDim: 12 }).map((c) => ({
    x: [c.x[0], c.x[1]],
    f: c.f,
    kind: c.kind,
  }));
}

/** The point to inspect first: the first saddle found, else the first critical point, else the start. */
export function firstPoint(problem: Problem, found: FoundPoint[]): [number, number] {
  const first = found.find((c) => c.kind === 'saddle') ?? found[0];
  return first ? first.x : [problem.x0[0], problem.x0[1]];
}

/** f, ∇f, H and its classification at (x, y); throws (e.g. a non-finite Hessian) with the library's message. */
export function inspectPoint(problem: Problem, [x, y]: [number, number]): PointReport {
  const at = Float64Array.from([x, y]);
  const f = problem.f(at);
  const g = problem.grad(at, new Float64Array(2));
  const H = hessian(problem, at);
  const c = classifyCriticalPoint(H);
  return {
    x: [x, y],
    f,
    g: [g[0], g[1]],
    H: Array.from(H.data),
    eigenvalues: Array.from(c.eigenvalues),
    eigenvectors: c.eigenvectors.map((v) => [v[0], v[1]]),
    kind: c.kind,
    critical: Math.max(Math.abs(g[0]), Math.abs(g[1])) <= 1e-6 * Math.max(1, Math.abs(f)),
    condition: c.condition,
    tol: c.tol,
  };
}
