/**
 * Coordinate descent's staircase on the ill-conditioned quadratic of the race (0.1 x² + 2 y², i.e.
 * f(θ) = ½ θᵀAθ with eigenvalues 0.2 and 4, κ = 20), its valley turned by an angle φ:
 *
 *   A = R(φ) diag(0.2, 4) R(φ)ᵀ,   start (10, 1), minimum 0
 *
 * Coordinate descent minimizes f exactly along one axis at a time (core's coordinateDescentQuadratic):
 *
 *   θ_j ← θ_j − g_j / A_jj,   g = Aθ        j by the rule: cyclic (1, 2, 1, 2, ...), random, or
 *                                            Gauss–Southwell (the largest |g_j|)
 *
 * so every step is parallel to an axis: a staircase. Full gradient descent moves along −g with the
 * step 1/L (L = 4, the largest eigenvalue). With φ = 0 the axes are the valley's: one sweep of
 * coordinate descent finishes; the more the valley is turned, the more stairs.
 */
import { coordinateDescentQuadratic } from '@descent/core';
import {
  quadraticValue,
  type StairPath,
  staircaseStart,
  staircaseTol,
  turnedQuadratic,
} from './notes-quadratic.js';

function stepsTo(A: number[], points: number[][]): number | null {
  const k = points.findIndex((p) => quadraticValue(A, p[0], p[1]) <= staircaseTol);
  return k >= 0 ? k : null;
}

/** The three rules' staircases and gradient descent's path, at angle φ (degrees). */
export function staircase(angleDegrees: number): { A: number[]; paths: StairPath[] } {
  const A = turnedQuadratic(angleDegrees);
  const rules = [
    ['cyclic', 'cyclic', '#1971c2', 1],
    ['random', 'random', '#e67700', 1],
    ['gauss-southwell', 'Gauss–Southwell', '#2f9e44', 2], // every |∂f/∂θ_j|, to pick the largest
  ] as const;
  const paths: StairPath[] = rules.map(([rule, name, colour, perStep]) => {
    const r = coordinateDescentQuadratic(A, [0, 0], staircaseStart, {
      rule,
      recordPath: true,
      tol: 1e-12,
      seed: 1,
    });
    const points = (r.path ?? []).map((p) => [p[0], p[1]]);
    return { name: `coordinate descent, ${name}`, colour, points, steps: stepsTo(A, points), perStep };
  });
  // gradient descent, θ ← θ − (1/L) Aθ, until f <= tol (or 5000 steps)
  const L = 4;
  const gd = [staircaseStart.slice()];
  for (let k = 0; k < 5000 && quadraticValue(A, gd[k][0], gd[k][1]) > staircaseTol; k++) {
    const [x, y] = gd[k];
    gd.push([x - (A[0] * x + A[1] * y) / L, y - (A[2] * x + A[3] * y) / L]);
  }
  paths.push({
    name: 'gradient descent, step 1/L',
    colour: '#c92a2a',
    points: gd,
    steps: stepsTo(A, gd),
    perStep: 2,
  });
  return { A, paths };
}
