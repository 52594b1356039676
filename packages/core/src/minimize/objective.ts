/**
 * What minimize() accepts as an objective, and the counting wrapper every method evaluates through.
 *
 *   - a problem `{ f(x), grad(x, out), hessian?(x, out) }` (the zoo's problems are such objects;
 *     `hessian` fills a row-major n×n Float64Array), or
 *   - one function `(x, g?) => f` that also fills `g` with ∇f(x) when given one.
 *
 * nfev counts evaluations of f, ngev of ∇f, nhev of the Hessian (a finite-difference Hessian
 * counts its gradient evaluations in ngev instead).
 */

export interface ObjectiveProblem {
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): void;
  hessian?(x: Float64Array, out: Float64Array): void;
}

export type ObjectiveFunction = (x: Float64Array, g?: Float64Array) => number;

export type Objective = ObjectiveProblem | ObjectiveFunction;

export class CountedObjective {
  nfev = 0;
  ngev = 0;
  nhev = 0;
  private readonly problem: ObjectiveProblem | undefined;
  private readonly fn: ObjectiveFunction | undefined;

  constructor(objective: Objective) {
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
  }

  /** f(x). */
  value(x: Float64Array): number {
    this.nfev++;
    return this.problem ? this.problem.f(x) : (this.fn as ObjectiveFunction)(x);
  }

  /** f(x), writing ∇f(x) into g. */
  valueAndGrad(x: Float64Array, g: Float64Array): number {
    this.nfev++;
    this.ngev++;
    if (this.problem) {
      const f = this.problem.f(x);
      this.problem.grad(x, g);
      return f;
    }
    return (this.fn as ObjectiveFunction)(x, g);
  }

  /** ∇f(x) into g, without f where the objective allows it. */
  grad(x: Float64Array, g: Float64Array): void {
    this.ngev++;
    if (this.problem) {
      this.problem.grad(x, g);
    } else {
      this.nfev++;
      (this.fn as ObjectiveFunction)(x, g);
    }
  }

  get hasHessian(): boolean {
    return typeof this.problem?.hessian === 'function';
  }

  /** The exact Hessian, row-major n×n, into `out` (only when `hasHessian`). */
  hessian(x: Float64Array, out: Float64Array): void {
    this.nhev++;
    (this.problem as Required<ObjectiveProblem>).hessian(x, out);
  }
}
