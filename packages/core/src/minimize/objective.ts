/**
 * What minimize() accepts as an objective, and the counting wrapper every method evaluates through.
 *
 *   - a problem `{ f(x), grad(x, out), hessian?(x, out), hvp?(x, v, out) }` (the zoo's problems are
 *     such objects; `hessian` fills a row-major n×n Float64Array, `hvp` fills out = ∇²f(x) v), or
 *   - one function `(x, g?) => f` that also fills `g` with ∇f(x) when given one, or
 *   - one function `(x) => f` of x alone (SciPy's `fun` without `jac`).
 *
 * A gradient that was not written is never read as zero. Before each call `g` is filled with a NaN
 * of a private bit pattern, and afterwards every entry is checked:
 *   - nothing written on the first call of a function objective: it is value-only, and the gradient
 *     comes from '2-point' finite differences of f from then on (SciPy's default for jac=None);
 *     `gradSource` says so;
 *   - some entries written and some not, or nothing written by `grad(x, out)`: a TypeError naming
 *     the first entry left unwritten.
 * With `jac: '2-point' | '3-point'` the gradient always comes from differences of f (numdiff.ts).
 *
 * Counting follows SciPy's: nfev counts every evaluation of f, including those of a difference
 * gradient (n for '2-point', 2n for '3-point'); ngev (SciPy's njev) counts gradients however they
 * were made; nhev counts Hessians and Hessian-vector products (a difference Hessian counts its
 * gradient evaluations in ngev instead).
 */
import { approxGradient, type FiniteDifferenceMethod } from './numdiff.js';

export interface ObjectiveProblem {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): unknown;
  hessian?(x: Float64Array, out: Float64Array): unknown;
  /** out = ∇²f(x) v (a Hessian-vector product), for 'newton-cg' and 'trust-ncg'. */
  hvp?(x: Float64Array, v: Float64Array, out: Float64Array): unknown;
}

export type ObjectiveFunction = (x: Float64Array, g?: Float64Array) => number;

export type Objective = ObjectiveProblem | ObjectiveFunction;

/** Where the gradients of a run came from. */
export type GradientSource = 'analytic' | FiniteDifferenceMethod;

/** A quiet NaN with a payload no arithmetic produces: the mark of an entry nobody wrote. */
const SENTINEL_HI = 0x7ff8dead;
const SENTINEL_LO = 0x5eed1e55;

export class CountedObjective {
  nfev = 0;
  ngev = 0;
  nhev = 0;
  /** 'analytic', or the difference scheme the gradient comes from (set by `jac`, or detected). */
  gradSource: GradientSource;
  /** True when the objective turned out value-only (it wrote no gradient on its first call). */
  detectedValueOnly = false;
  private readonly problem: ObjectiveProblem | undefined;
  private readonly fn: ObjectiveFunction | undefined;
  private gradientSeen = false;
  private readonly valueOf = (x: Float64Array): number => {
    this.nfev++;
    return this.problem ? this.problem.f(x) : (this.fn as ObjectiveFunction)(x);
  };

  constructor(objective: Objective, jac?: FiniteDifferenceMethod) {
    if (typeof objective === 'function') {
      this.fn = objective;
    } else if (
      objective &&
      typeof objective === 'object' &&
      typeof objective.f === 'function' &&
      typeof objective.grad === 'function'
    ) {
      this.problem = objective;
    } else {
      throw new TypeError('minimize: the objective must be (x, g?) => f or an object { f(x), grad(x, out) }');
    }
    this.gradSource = jac ?? 'analytic';
  }

  /** f(x). */
  value(x: Float64Array): number {
    return this.valueOf(x);
  }

  /** f(x), writing ∇f(x) into g. */
  valueAndGrad(x: Float64Array, g: Float64Array): number {
    if (this.gradSource !== 'analytic') {
      const f = this.valueOf(x);
      this.differenceGradient(x, g, f);
      return f;
    }
    this.nfev++;
    this.ngev++;
    markUnwritten(g);
    let f: number;
    if (this.problem) {
      f = this.problem.f(x);
      this.problem.grad(x, g);
    } else {
      f = (this.fn as ObjectiveFunction)(x, g);
    }
    if (this.checkWritten(g)) this.differenceGradient(x, g, f);
    return f;
  }

  /** ∇f(x) into g, without f where the objective allows it. */
  grad(x: Float64Array, g: Float64Array): void {
    if (this.gradSource !== 'analytic') {
      this.differenceGradient(x, g, this.gradSource === '2-point' ? this.valueOf(x) : undefined);
      return;
    }
    this.ngev++;
    markUnwritten(g);
    let f = Number.NaN;
    if (this.problem) {
      this.problem.grad(x, g);
    } else {
      this.nfev++;
      f = (this.fn as ObjectiveFunction)(x, g);
    }
    if (this.checkWritten(g)) this.differenceGradient(x, g, f);
  }

  get hasHessian(): boolean {
    return typeof this.problem?.hessian === 'function';
  }

  get hasHvp(): boolean {
    return typeof this.problem?.hvp === 'function';
  }

  /** The exact Hessian, row-major n×n, into `out` (only when `hasHessian`). */
  hessian(x: Float64Array, out: Float64Array): void {
    this.nhev++;
    (this.problem as Required<ObjectiveProblem>).hessian(x, out);
  }

  /** out = ∇²f(x) v from the objective's `hvp` (only when `hasHvp`). */
  hvp(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.nhev++;
    (this.problem as Required<ObjectiveProblem>).hvp(x, v, out);
  }

  /**
   * After an analytic call: true when nothing was written on the first call of a value-only
   * function (the caller then differentiates numerically); throws on a partial or missing write.
   */
  private checkWritten(g: Float64Array): boolean {
    const first = firstUnwritten(g);
    if (first < 0) {
      this.gradientSeen = true;
      return false;
    }
    const none = first === 0 && firstWritten(g) < 0;
    if (none && this.fn && !this.gradientSeen) {
      this.gradSource = '2-point';
      this.detectedValueOnly = true;
      this.ngev--; // the analytic attempt was not a gradient; differenceGradient counts its own
      return true;
    }
    const who = this.fn ? 'the objective (x, g) => f' : 'grad(x, out)';
    if (none) {
      throw new TypeError(
        `minimize: ${who} wrote no entry of the gradient (g[0] was not written)${this.fn ? ' after writing it on earlier calls' : ''}`,
      );
    }
    throw new TypeError(
      `minimize: ${who} wrote only part of the gradient: g[${first}] was not written (an unwritten entry is never read as 0)`,
    );
  }

  private differenceGradient(x: Float64Array, g: Float64Array, f0: number | undefined): void {
    this.ngev++;
    const method = this.gradSource as FiniteDifferenceMethod;
    approxGradient(this.valueOf, x, method, g, method === '2-point' ? f0 : undefined);
  }
}

function bits(g: Float64Array): Uint32Array {
  return new Uint32Array(g.buffer, g.byteOffset, 2 * g.length);
}

/** Fills g with the sentinel NaN (written and read through the same view, so endianness cancels). */
function markUnwritten(g: Float64Array): void {
  const u = bits(g);
  for (let i = 0; i < u.length; i += 2) {
    u[i] = SENTINEL_LO;
    u[i + 1] = SENTINEL_HI;
  }
}

function firstUnwritten(g: Float64Array): number {
  const u = bits(g);
  for (let i = 0; i < u.length; i += 2) if (u[i] === SENTINEL_LO && u[i + 1] === SENTINEL_HI) return i / 2;
  return -1;
}

function firstWritten(g: Float64Array): number {
  const u = bits(g);
  for (let i = 0; i < u.length; i += 2) if (!(u[i] === SENTINEL_LO && u[i + 1] === SENTINEL_HI)) return i / 2;
  return -1;
}
