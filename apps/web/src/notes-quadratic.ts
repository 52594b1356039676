/**
 * The turned ill-conditioned quadratic of the staircase panel (notes-staircase.ts runs the methods
 * on it in the worker; the page draws its contours with these, without the kernels):
 *
 *   f(θ) = ½ θᵀAθ,   A = R(φ) diag(0.2, 4) R(φ)ᵀ   (the race's 0.1 x² + 2 y² at φ = 0, κ = 20)
 */
import type { Domain } from './surface.js';

export const staircaseAngles = [0, 15, 30, 45];
export const staircaseStart = [10, 1];
export const staircaseDomain: Domain = [
  [-12, 12],
  [-8, 8],
];
/** A run counts as done once f <= this. */
export const staircaseTol = 1e-8;

export interface StairPath {
  name: string;
  colour: string;
  /** θ at the start and after every step. */
  points: number[][];
  /** Steps until f <= staircaseTol (null: not within the run). */
  steps: number | null;
  /** Partial derivatives ∂f/∂θ_j one step computes (1 for cyclic and random, d = 2 for the others). */
  perStep: number;
}

/** A(φ) as a row-major 2 × 2 array, symmetric by construction. */
export function turnedQuadratic(angleDegrees: number): number[] {
  if (!Number.isFinite(angleDegrees) || Math.abs(angleDegrees) > 90) {
    throw new RangeError(`Invalid angle: ${angleDegrees} (expected degrees from -90 to 90)`);
  }
  const phi = (angleDegrees * Math.PI) / 180;
  const [c, s] = [Math.cos(phi), Math.sin(phi)];
  const [lo, hi] = [0.2, 4];
  const offDiagonal = (lo - hi) * c * s;
  return [lo * c * c + hi * s * s, offDiagonal, offDiagonal, lo * s * s + hi * c * c];
}

/** f(θ) = ½ θᵀAθ. */
export const quadraticValue = (A: ArrayLike<number>, x: number, y: number): number =>
  0.5 * (A[0] * x * x + 2 * A[1] * x * y + A[3] * y * y);
