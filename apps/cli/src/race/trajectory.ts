/**
 * One optimizer's run on a problem, as the CLI reports it: the losses and iterates, why it
 * stopped, the step at which it diverged, and how many steps it took to get within `tol` of the
 * known minimum value f*.
 *
 * With a fixed learning rate the run is minimize() itself. With a schedule, minimize() has no hook
 * to change the rate, so the same loop runs here (x_{k+1} = optimizer.step(x_k, ∇f(x_k)) with
 * η_k = schedule(k) set before step k), on the same optimizer class minimize() would build.
 *
 * Memory stays bounded however many steps run: the iterates go to a ThinnedPath (every step up to
 * 10,000 steps, evenly spaced ones beyond, and the last), never to one array per step.
 */
import { type MinimizeResult, minimize, type Problem, param } from '@descent/core';
import type { Schedule } from '@descent/schedulers';
import { UsageError } from '../options/usage-error.js';
import { maxAbs, minOf } from '../report/extent.js';
import { automaticLr, firstOrder, isFirstOrder, noSchedule } from './optimizers.js';
import { ThinnedPath } from './thinned-path.js';

export interface RunSpec {
  optimizer: string;
  /** Learning rate (first-order methods); automaticLr() when undefined. */
  lr?: number;
  /** More options for the optimizer class (momentum, betas, eps, weightDecay, ...). */
  options?: Record<string, unknown>;
  schedule?: Schedule;
  /** Iteration limit. */
  steps: number;
  /** Stop when ‖∇f‖∞ <= gtol. */
  gtol: number;
  /** "Reached" means f - f* <= tol. */
  tol: number;
}

export interface Trajectory {
  optimizer: string;
  lr: number | null;
  /** The steps k recorded: 0 .. nit, every one up to 10,000 steps, evenly spaced beyond, and nit. */
  steps: number[];
  /** f(x_k) at the recorded steps. */
  f: number[];
  /** x_k at the recorded steps. */
  path: Float64Array[];
  x: Float64Array;
  fun: number;
  nit: number;
  nfev: number;
  ngev: number;
  nhev: number;
  converged: boolean;
  message: string;
  /** The step at which f or ∇f stopped being finite. */
  divergedAt: number | null;
  /** The first k with f(x_k) - f* <= tol (null if never, or f* unknown). */
  stepsToTol: number | null;
}

/** The lowest known minimum value of the problem, if any. */
export function knownMinimum(problem: Problem): number | undefined {
  return problem.minima.length ? minOf(problem.minima.map((m) => m.f)) : undefined;
}

export function runTrajectory(problem: Problem, x0: Float64Array, spec: RunSpec): Trajectory {
  const name = spec.optimizer;
  const extra = spec.options ?? {};
  if (!isFirstOrder(name)) {
    const flags = [
      ...Object.keys(extra),
      ...(spec.lr !== undefined ? ['lr'] : []),
      ...(spec.schedule ? ['schedule'] : []),
    ];
    if (flags.length) {
      throw new UsageError(
        `--${flags[0]} applies to first-order optimizers, not to ${name} (it chooses its steps by a line search)`,
      );
    }
  }
  if (spec.schedule && Object.hasOwn(noSchedule, name)) {
    throw new UsageError(`--schedule does not apply to ${name}: ${noSchedule[name]} (give --lr only)`);
  }
  const lr = spec.lr ?? automaticLr(name, problem, x0);
  const fStar = knownMinimum(problem);
  const path = new ThinnedPath();
  let reached = -1;
  const see = (k: number, f: number, x: Float64Array) => {
    path.offer(k, f, x);
    if (reached < 0 && fStar !== undefined && f - fStar <= spec.tol) reached = k;
  };
  let result: MinimizeResult;
  try {
    if (spec.schedule) result = scheduledDescent(problem, x0, spec, lr as number, see);
    else {
      see(0, problem.f(x0), x0);
      // the callback sees x_1, x_2, ...; only f is kept per step (by minimize), not the iterates
      result = minimize(problem, x0, {
        method: name,
        maxIter: spec.steps,
        gtol: spec.gtol,
        callback: (x: Float64Array, f: number, k: number) => {
          if (k > 0) see(k, f, x);
        },
        ...(lr !== undefined ? { lr, optimizerOptions: extra } : {}),
      });
    }
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(`${name}: ${e.message}`);
    throw e;
  }
  if (result.nit > 0 && path.steps[path.steps.length - 1] !== result.nit) {
    see(result.nit, result.fun, result.x); // the last iterate, when no callback reported it
  }
  path.finish(result.nit, result.fun, result.x);
  const fs = result.history.f; // minimize's record of f(x_k) for every k (8 bytes a step)
  if (!spec.schedule && fs.length === result.nit + 1) {
    path.steps.forEach((k, i) => {
      path.f[i] = fs[k];
    });
    reached = fStar === undefined ? -1 : fs.findIndex((f) => f - fStar <= spec.tol);
  }
  const diverged = /^Diverged/.test(result.message);
  return {
    optimizer: name,
    lr: lr ?? null,
    steps: path.steps,
    f: path.f,
    path: path.x,
    x: result.x,
    fun: result.fun,
    nit: result.nit,
    nfev: result.nfev,
    ngev: result.ngev,
    nhev: result.nhev,
    converged: result.converged,
    message: result.message,
    divergedAt: diverged ? result.nit : null,
    stepsToTol: reached >= 0 ? reached : null,
  };
}

/** x_{k+1} = step(x_k, ∇f(x_k)) with η_k = schedule(k); stops on gtol, steps, or a non-finite f. */
function scheduledDescent(
  problem: Problem,
  x0: Float64Array,
  spec: RunSpec,
  lr: number,
  see: (k: number, f: number, x: Float64Array) => void,
): MinimizeResult {
  const { cls, implied } = firstOrder[spec.optimizer];
  const p = param(x0.slice());
  const optimizer = new cls([p], { ...implied, ...spec.options, lr: spec.schedule?.(0) ?? lr });
  const n = x0.length;
  const g = new Float64Array(n);
  const history = { f: [] as number[] }; // the iterates went to `see`
  let nfev = 0;
  try {
    for (let k = 0; ; k++) {
      const x = Float64Array.from(p.data);
      const f = problem.f(x);
      problem.grad(x, g);
      nfev++;
      see(k, f, x);
      const done = (converged: boolean, message: string): MinimizeResult => {
        const grad = g.slice();
        const status = converged ? 0 : message.startsWith('Diverged') ? 3 : 1; // SciPy's codes
        return {
          x,
          fun: f,
          grad,
          nit: k,
          nfev,
          ngev: nfev,
          nhev: 0,
          converged,
          message,
          gradSource: 'analytic',
          history,
          success: converged,
          status,
          jac: grad,
          njev: nfev,
        };
      };
      if (!Number.isFinite(f) || !g.every(Number.isFinite))
        return done(false, `Diverged: f(x) = ${f} at iteration ${k}`);
      if (maxAbs(g) <= spec.gtol)
        return done(true, 'Optimization terminated successfully: gradient norm <= gtol');
      if (k >= spec.steps) return done(false, 'Maximum number of iterations reached');
      optimizer.paramGroups[0].lr = (spec.schedule as Schedule)(k);
      p.grad.set(g);
      optimizer.step();
    }
  } finally {
    optimizer.resetState();
    p.free();
  }
}
