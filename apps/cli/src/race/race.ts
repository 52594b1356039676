/**
 * A race: several optimizers from the same start on the same problem, summarized as one row each
 * (steps to reach f* + tol, final loss, iterations, evaluations, outcome) and charted as the gap
 * log10(f - f*) against the step.
 */
import type { Problem } from '@descent/core';
import type { Series } from '../charts/ascii.js';
import type { LineSeries } from '../charts/svg.js';
import { minOf } from '../report/extent.js';
import type { Cell } from '../report/table.js';
import { knownMinimum, type RunSpec, runTrajectory, type Trajectory } from './trajectory.js';

export function race(
  problem: Problem,
  x0: Float64Array,
  optimizers: string[],
  spec: Omit<RunSpec, 'optimizer'>,
): Trajectory[] {
  return optimizers.map((optimizer) => runTrajectory(problem, x0, { ...spec, optimizer }));
}

/** The run ended (at its step limit) with f above where it started. */
export function growing(t: Trajectory): boolean {
  return t.fun > t.f[0];
}

export const raceHead = ['optimizer', 'lr', 'steps to tol', 'final f', 'iterations', 'f evals', 'outcome'];

/**
 * The limit a method's stop message names, in any of the wordings minimize()'s methods use:
 * 'Maximum number of iterations reached' / 'has been exceeded.' (SciPy's BFGS, Nelder-Mead,
 * Powell, Newton-CG), L-BFGS-B's 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT', and the same for
 * function evaluations ('... function evaluations ...', 'STOP: TOTAL NO. of f AND g EVALUATIONS
 * EXCEEDS LIMIT'); undefined for any other message.
 */
export function limitOf(message: string): 'iteration' | 'evaluation' | undefined {
  if (/maximum number of iterations|no\. of iterations/i.test(message)) return 'iteration';
  if (/maximum number of (function )?evaluations|no\. of f and g evaluations/i.test(message))
    return 'evaluation';
  return undefined;
}

export function outcomeOf(t: Trajectory): string {
  if (t.divergedAt !== null) return `diverged at step ${t.divergedAt}`;
  if (!t.converged && growing(t)) return 'diverging: f rose above f(x0)';
  if (t.converged) return 'converged';
  const limit = limitOf(t.message);
  return limit ? `stopped: ${limit} limit` : t.message;
}

export function raceRows(trajectories: Trajectory[]): Cell[][] {
  return trajectories.map((t) => [
    t.optimizer,
    t.lr ?? 'line search',
    t.stepsToTol,
    t.fun,
    t.nit,
    t.nfev,
    outcomeOf(t),
  ]);
}

/** log10 of the gap to the known minimum (or to the lowest f seen), floored at 1e-16. */
function gaps(problem: Problem, trajectories: Trajectory[]): { name: string; values: number[] }[] {
  const fStar = knownMinimum(problem) ?? minOf(trajectories.map((t) => minOf(t.f.filter(Number.isFinite))));
  return trajectories.map((t) => ({
    name: t.optimizer,
    values: t.f.map((f) => (Number.isFinite(f) ? Math.log10(Math.max(f - fStar, 1e-16)) : Number.NaN)),
  }));
}

export function lossSeries(problem: Problem, trajectories: Trajectory[]): Series[] {
  return gaps(problem, trajectories);
}

export function lossLines(problem: Problem, trajectories: Trajectory[]): LineSeries[] {
  return gaps(problem, trajectories).map((g, i) => ({
    name: g.name,
    x: trajectories[i].steps,
    y: g.values.map((v) => 10 ** v),
  }));
}

export function raceJson(trajectories: Trajectory[]) {
  return trajectories.map((t) => ({
    optimizer: t.optimizer,
    lr: t.lr,
    stepsToTol: t.stepsToTol,
    fun: t.fun,
    x: Array.from(t.x),
    nit: t.nit,
    nfev: t.nfev,
    ngev: t.ngev,
    nhev: t.nhev,
    converged: t.converged,
    message: t.message,
    divergedAt: t.divergedAt,
    outcome: outcomeOf(t),
  }));
}
