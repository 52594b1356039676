/**
 * What the race draws of one run: the path up to where it leaves the plot, the loss curve, and the
 * step at which the run diverged, each thinned to at most `maxPoints` points (strideIndices).
 *
 *   grown box     the plotting box grown 4 times about its centre (a path that leaves it is far
 *                 off the plot; the plot's clip hides the part between the box and the plot edge)
 *   diverged at k the first k with f(x_k) not finite, or x_k outside the grown box with f(x_k) > f(x_0)
 *   left at k     the first k with x_k outside the grown box and f(x_k) <= f(x_0): f falls without
 *                 bound (the saddle x² − y²), so the run escapes rather than diverges
 *
 * The path ends at the segment x_{k−1} → x_k cut where it crosses the grown box, so a diverging
 * path stays on show right to the plot's edge; the loss curve stops at the divergence (the values
 * after it only grow to overflow).
 */
import type { RaceRow } from './race.js';
import { strideIndices } from './series.js';
import type { Domain } from './surface.js';

export interface RaceTrace {
  /** Steps k of the path points kept, increasing. */
  pathSteps: Int32Array;
  /** x_k, y_k for those steps, interleaved; the last point may be cut to the grown box. */
  path: Float64Array;
  /** Steps of the loss curve kept, and f(x_k) at them. */
  curveSteps: Int32Array;
  curve: Float64Array;
  divergedAt: number | null;
  leftAt: number | null;
}

/** The box grown `factor` times about its centre. */
export function grownBox(domain: Domain, factor = 4): Domain {
  return domain.map(([lo, hi]) => {
    const c = (lo + hi) / 2;
    const half = ((hi - lo) / 2) * factor;
    return [c - half, c + half];
  }) as Domain;
}

function inside(p: ArrayLike<number>, box: Domain): boolean {
  return box.every(([lo, hi], i) => Number.isFinite(p[i]) && p[i] >= lo && p[i] <= hi);
}

/** The point where the segment a → b (a inside the box, b outside) crosses the box; a if b is not finite. */
export function cutAtBox(a: ArrayLike<number>, b: ArrayLike<number>, box: Domain): [number, number] {
  if (!Number.isFinite(b[0]) || !Number.isFinite(b[1])) return [a[0], a[1]];
  let t = 1;
  box.forEach(([lo, hi], i) => {
    if (b[i] > hi) t = Math.min(t, (hi - a[i]) / (b[i] - a[i]));
    if (b[i] < lo) t = Math.min(t, (lo - a[i]) / (b[i] - a[i]));
  });
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

export function traceOf(row: Pick<RaceRow, 'path' | 'losses'>, domain: Domain, maxPoints = 1500): RaceTrace {
  const { path, losses } = row;
  const box = grownBox(domain);
  const f0 = losses[0];
  let exit = -1;
  let divergedAt: number | null = null;
  for (let k = 0; k < path.length; k++) {
    if (!Number.isFinite(losses[k])) {
      divergedAt = k;
      if (!inside(path[k], box)) exit = k;
      break;
    }
    if (!inside(path[k], box)) {
      exit = k;
      if (losses[k] > f0) divergedAt = k;
      break;
    }
  }
  const leftAt = exit >= 0 && divergedAt === null ? exit : null;
  // the path: x_0 .. x_{exit−1}, then x_exit cut to the box (a start outside the box is drawn as it is)
  const last = exit > 0 ? exit : exit === 0 ? 0 : path.length - 1;
  const keep = strideIndices(last + 1, maxPoints);
  const pathSteps = Int32Array.from(keep);
  const xy = new Float64Array(2 * keep.length);
  keep.forEach((k, j) => {
    const p = k === exit && exit > 0 ? cutAtBox(path[k - 1], path[k], box) : path[k];
    xy[2 * j] = p[0];
    xy[2 * j + 1] = p[1];
  });
  const curveEnd = divergedAt ?? losses.length - 1;
  const curveKeep = strideIndices(curveEnd + 1, maxPoints);
  return {
    pathSteps,
    path: xy,
    curveSteps: Int32Array.from(curveKeep),
    curve: Float64Array.from(curveKeep, (k) => losses[k]),
    divergedAt,
    leftAt,
  };
}
