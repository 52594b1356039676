/**
 * `descent notes`, second part: the notes' families of methods beyond SGD, each run and shown.
 *
 * - Reducing noise: SGD, SAGA, SVRG and a growing batch at one fixed step on the same finite sum
 *   (iris logistic regression), f - f* against passes over the data on a log axis: SGD
 *   stalls at a noise floor of order η σ², the others keep falling.
 * - Coordinate descent: the staircase path of exact coordinate minimization on a tilted quadratic,
 *   drawn over its contours, and its step counts against gradient descent.
 * - Accelerated gradient (Nesterov): worst-case f(θ_T) - f* over quadratics, O(1/T²) against GD's
 *   O(1/T), with both bounds.
 * - Flat minima: the sharpness (λ_max and trace of the training loss's Hessian) of the minimum
 *   each optimizer reached on digits, stopped at the same training loss.
 */
import {
  accelerationExperiment,
  coordinateDescentQuadratic,
  noiseRace as coreNoiseRace,
  minimize,
  type NoiseRaceRun,
} from '@descent/core';
import { sharpnessComparison } from '@descent/mlp';
import type { Series } from '../charts/ascii.js';
import type { NoteSection } from './notes.js';
import { constraintSets } from './notes-constraints.js';

const sig = (v: number) => Number(v.toPrecision(4));
const log10Gap = (gap: number) => Math.log10(Math.max(gap, 1e-16));

/**
 * SGD vs SAGA vs SVRG vs a growing batch at one fixed step η = 1 on iris logistic regression: core's
 * noiseRace, every method within the same 40 passes over the data (component gradients / n).
 */
export function noiseRace(passes = 40): NoteSection {
  const race = coreNoiseRace({ lr: 1, passes });
  /** f − f* after p passes: the last record that had paid no more than p (the start before any). */
  const gapAt = (run: NoiseRaceRun, p: number) => {
    let k = 0;
    while (k + 1 < run.passes.length && run.passes[k + 1] <= p) k++;
    return run.gaps[k];
  };
  const marks = [10, 20, passes];
  const series: Series[] = race.runs.map((run) => ({
    name: run.name,
    values: Array.from({ length: passes + 1 }, (_, p) => log10Gap(gapAt(run, p))),
  }));
  const sgdTail = race.runs[0].gaps.slice(-10);
  return {
    title: `Reducing noise: SGD vs SAGA vs SVRG vs a growing batch at one fixed step eta = ${race.lr}, logistic regression on ${race.n} iris flowers`,
    head: ['method', 'memory', ...marks.map((p) => `f - f* after ${p} passes`)],
    rows: race.runs.map((run) => [run.name, run.memory, ...marks.map((p) => gapAt(run, p))]),
    chart: { series, xLabel: 'passes over the data (n component gradients each)', yLabel: 'log10(f - f*)' },
    explanation: `At the same fixed step, SGD's gradient noise keeps it bouncing between f - f* = ${sig(Math.min(...sgdTail))} and ${sig(Math.max(...sgdTail))} over its last 10 epochs (a floor of order eta sigma^2); SAGA and SVRG correct each gradient by a remembered one, so the noise vanishes at the minimum and they fall linearly to rounding (SAGA pays with a table of n gradients, SVRG with five passes an epoch), and a batch growing by 2% a step averages the noise away more slowly.`,
  };
}

/** The grid picture of a 2-D path over contours of f: 'S' start, 'o' iterates, '*' the minimum. */
export function pathPicture(
  f: (x: number, y: number) => number,
  path: ArrayLike<number>[],
  box: { x: [number, number]; y: [number, number] },
  size = { cols: 61, rows: 21 },
): string[] {
  const { cols, rows } = size;
  const grid = Array.from({ length: rows }, () => Array.from({ length: cols }, () => ' '));
  const X = (c: number) => box.x[0] + ((box.x[1] - box.x[0]) * c) / (cols - 1);
  const Y = (r: number) => box.y[1] - ((box.y[1] - box.y[0]) * r) / (rows - 1);
  const col = (x: number) => Math.round(((x - box.x[0]) / (box.x[1] - box.x[0])) * (cols - 1));
  const row = (y: number) => Math.round(((box.y[1] - y) / (box.y[1] - box.y[0])) * (rows - 1));
  // contours: a '.' where the level index floor(sqrt(f / 2)) changes between neighbouring cells
  const level = (r: number, c: number) => Math.floor(Math.sqrt(Math.max(0, f(X(c), Y(r)) / 2)));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const l = level(r, c);
      if ((c + 1 < cols && level(r, c + 1) !== l) || (r + 1 < rows && level(r + 1, c) !== l))
        grid[r][c] = '.';
    }
  }
  const put = (r: number, c: number, ch: string) => {
    if (r >= 0 && r < rows && c >= 0 && c < cols) grid[r][c] = ch;
  };
  for (let k = 1; k < path.length; k++) {
    const [r0, c0] = [row(path[k - 1][1]), col(path[k - 1][0])];
    const [r1, c1] = [row(path[k][1]), col(path[k][0])];
    const steps = Math.max(Math.abs(r1 - r0), Math.abs(c1 - c0));
    for (let s = 1; s < steps; s++) {
      const r = Math.round(r0 + ((r1 - r0) * s) / steps);
      const c = Math.round(c0 + ((c1 - c0) * s) / steps);
      put(r, c, r0 === r1 ? '-' : c0 === c1 ? '|' : '/');
    }
  }
  for (const p of path.slice(1)) put(row(p[1]), col(p[0]), 'o');
  put(row(0), col(0), '*');
  put(row(path[0][1]), col(path[0][0]), 'S');
  return grid.map((line) => `  ${line.join('')}`.trimEnd());
}

/** Exact coordinate minimization vs GD on f = ½ θᵀAθ, A = [[1, 0.8], [0.8, 1]] (κ = 9), from (4, -3). */
export function coordinateStaircase(): NoteSection {
  const A = [1, 0.8, 0.8, 1];
  const b = [0, 0];
  const x0 = [4, -3];
  const tol = 1e-8;
  const f = (x: number, y: number) => 0.5 * (A[0] * x * x + 2 * A[1] * x * y + A[3] * y * y);
  const stepsTo = (values: number[], per = 1) => {
    const k = values.findIndex((v) => v <= tol);
    return k >= 0 ? k * per : null;
  };
  const rows: NoteSection['rows'] = [];
  let cyclicPath: Float64Array[] = [];
  for (const rule of ['cyclic', 'random', 'gauss-southwell'] as const) {
    const r = coordinateDescentQuadratic(A, b, x0, { rule, recordPath: true, tol: 1e-14, seed: 1 });
    const path = r.path ?? [];
    if (rule === 'cyclic') cyclicPath = path;
    const fs = path.map((p) => f(p[0], p[1]));
    const perStep = rule === 'gauss-southwell' ? 2 : 1; // Gauss-Southwell picks the largest |g_j|: all of g
    const steps = stepsTo(fs);
    rows.push([`coordinate descent, ${rule}`, steps, perStep, steps === null ? null : perStep * steps]);
  }
  const L = 1.8; // λ_max(A)
  const gd = minimize(
    {
      f: (x: Float64Array) => f(x[0], x[1]),
      grad: (x: Float64Array, out: Float64Array) => {
        out[0] = A[0] * x[0] + A[1] * x[1];
        out[1] = A[2] * x[0] + A[3] * x[1];
        return out;
      },
    },
    x0,
    { method: 'gd', lr: 1 / L, maxIter: 2000, gtol: 1e-14 },
  );
  const gdSteps = stepsTo(gd.history.f);
  rows.push(['gradient descent, eta = 1/L', gdSteps, 2, gdSteps === null ? null : 2 * gdSteps]);
  const cyclic = rows[0][1];
  return {
    title:
      'Coordinate descent: exact minimization along one axis at a time, f = 0.5 (x^2 + 1.6 x y + y^2) from (4, -3)',
    head: ['method', 'steps to f <= 1e-8', 'gradient entries per step', 'gradient entries in all'],
    rows,
    picture: pathPicture(f, cyclicPath.slice(0, 9), { x: [-4.5, 4.5], y: [-4, 4] }),
    explanation: `Each coordinate step solves a 1-D problem exactly, moving along x then y: the staircase (S start, o iterates, * minimum, dots the contours f = 2, 8, 18, ...). The valley's tilt (coupling 0.8) shortens every stair by the same factor, so cyclic descent needs ${cyclic} steps of one partial derivative each, where gradient descent needs ${gdSteps} steps of both; on an axis-aligned quadratic one sweep would finish.`,
  };
}

/** Worst-case f(θ_T) - f* over quadratics ½ λ x², λ ∈ (0, L]: Nesterov's O(1/T²) vs GD's O(1/T). */
export function acceleratedRates(): NoteSection {
  // 41 log-spaced horizons for the chart; the table shows 1, 2, 5, ..., 1000
  const dense = [...new Set(Array.from({ length: 41 }, (_, i) => Math.round(10 ** ((3 * i) / 40))))];
  const shown = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const d = accelerationExperiment({ horizons: [...new Set([...dense, ...shown])].sort((a, b) => a - b) });
  const idx = (T: number) => d.T.indexOf(T);
  const slope = (gap: number[]) => Math.log10(gap[idx(100)] / gap[idx(1000)]);
  return {
    title:
      'Accelerated gradient (Nesterov) vs gradient descent, step 1/L: worst case over quadratics, L = R = 1',
    head: ['T', 'AGD f - f*', 'bound 2 L R^2 / (T+1)^2', 'GD f - f*', 'bound L R^2 / (2T)'],
    rows: shown.map((T) => {
      const i = idx(T);
      return [T, d.agdGap[i], d.agdBound[i], d.gdGap[i], d.gdBound[i]];
    }),
    chart: {
      series: [
        { name: 'accelerated', values: d.agdGap.map(log10Gap) },
        { name: 'gradient descent', values: d.gdGap.map(log10Gap) },
      ],
      xLabel: `T from 1 to 1000, about log spaced (${d.T.length} horizons):`,
      yLabel: 'log10(worst f - f*)',
    },
    explanation: `From T = 100 to 1000 the worst gap falls ${sig(slope(d.agdGap))} decades with momentum (t-1)/(t+2), ${sig(slope(d.gdGap))} without: the O(1/T^2) and O(1/T) rates, each under its bound (slopes -2 and -1 on the log-log chart).`,
  };
}

/**
 * Sharpness of the minimum each optimizer reached: a 64-16-10 network on 600 standardized digits,
 * trained until the training loss is below 0.05, then λ_max and the trace of its Hessian.
 */
export function flatMinima(): NoteSection {
  const rows = sharpnessComparison().map((r) => [r.name, r.steps, r.loss, r.lambdaMax, r.trace]);
  const lowest = (col: number) => rows.reduce((a, b) => ((b[col] as number) < (a[col] as number) ? b : a));
  const [lam, tr] = [lowest(3), lowest(4)];
  const gd = rows[1];
  return {
    title:
      'Flat or sharp: the minimum each optimizer reached (64-16-10 on 600 digits, stopped at training loss < 0.05)',
    head: ['optimizer', 'steps', 'training loss', 'lambda_max(H)', 'trace(H)'],
    rows,
    explanation: `At the same training loss the minima differ in curvature: full-batch GD's has lambda_max ${sig(gd[3] as number)} and trace ${sig(gd[4] as number)}; the smallest lambda_max is ${lam[0]}'s (${sig(lam[3] as number)}), the smallest trace ${tr[0]}'s (${sig(tr[4] as number)}). Gradient noise (small batches) and SAM's worst-case neighbourhood steer away from sharp pits, and a flat minimum's loss changes little when the weights move. The two measures need not agree: lambda_max is one direction, the trace all of them.`,
  };
}

export function methodSections(): NoteSection[] {
  return [noiseRace(), coordinateStaircase(), acceleratedRates(), flatMinima(), constraintSets()];
}
