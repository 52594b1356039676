/**
 * The problem contract: an objective f : R^n -> R with its analytic gradient (and, for every
 * problem in the zoo, its Hessian), a standard start, the known minima and a plotting box.
 * minimize(), the optimizers' tests, the CLI and the demo page all take a `Problem`.
 */
export interface Problem {
  /** Registry name, e.g. 'rosenbrock' (factories with a size report it: 'rosenbrock' with dim 10). */
  name: string;
  /** Number of coordinates: fixed for 2-D test functions, the chosen n for n-dimensional ones. */
  dim: number;
  f(x: Float64Array): number;
  /** Fills `out` (length dim) with grad f(x) and returns it. */
  grad(x: Float64Array, out: Float64Array): Float64Array;
  /** Fills `out` (length dim * dim, row-major) with the Hessian of f at x and returns it. */
  hessian?(x: Float64Array, out: Float64Array): Float64Array;
  /** The standard starting point from the literature (a fresh copy per factory call). */
  x0: Float64Array;
  /** Known minimizers with their values: the global ones first, then notable local ones. */
  minima: { x: Float64Array; f: number }[];
  /** Plotting box [lo, hi] per coordinate. */
  domain: [number, number][];
  description?: string;
}

/** What a problem module writes; `defineProblem` adds the argument checks. */
export interface ProblemSpec {
  name: string;
  dim: number;
  f(x: Float64Array): number;
  grad(x: Float64Array, out: Float64Array): Float64Array;
  hessian?(x: Float64Array, out: Float64Array): Float64Array;
  x0: ArrayLike<number>;
  minima: { x: ArrayLike<number>; f: number }[];
  domain: [number, number][];
  description?: string;
}

/** Throws a RangeError naming `name` unless `a` has length `expected`. */
export function checkLength(name: string, a: ArrayLike<number>, expected: number, what: string): void {
  if (!a || typeof a.length !== 'number') throw new TypeError(`${name} must be a Float64Array`);
  if (a.length !== expected) {
    throw new RangeError(`${name} has length ${a.length}, expected ${what} = ${expected}`);
  }
}

/** Throws a RangeError unless n is an integer >= min (naming the problem and the option). */
export function checkSize(problem: string, n: number, min: number, multipleOf = 1): void {
  if (!Number.isInteger(n) || n < min || n % multipleOf !== 0) {
    const extra = multipleOf > 1 ? `, a multiple of ${multipleOf}` : '';
    throw new RangeError(`Invalid dimension for ${problem}: ${n} (expected an integer >= ${min}${extra})`);
  }
}

/**
 * A Problem from its spec: copies x0, the minima and the domain (so each factory call owns its
 * arrays) and wraps f / grad / hessian with length checks on x and out.
 */
export function defineProblem(spec: ProblemSpec): Problem {
  const { name, dim } = spec;
  const checkX = (x: Float64Array) => checkLength('x', x, dim, `${name}.dim`);
  const problem: Problem = {
    name,
    dim,
    f: (x) => {
      checkX(x);
      return spec.f(x);
    },
    grad: (x, out) => {
      checkX(x);
      checkLength('out', out, dim, `${name}.dim`);
      return spec.grad(x, out);
    },
    x0: Float64Array.from(spec.x0),
    minima: spec.minima.map((m) => ({ x: Float64Array.from(m.x), f: m.f })),
    domain: spec.domain.map(([lo, hi]) => [lo, hi] as [number, number]),
  };
  const hessian = spec.hessian;
  if (hessian) {
    problem.hessian = (x, out) => {
      checkX(x);
      checkLength('out', out, dim * dim, `${name}.dim squared`);
      return hessian(x, out);
    };
  }
  if (spec.description) problem.description = spec.description;
  return problem;
}

/** The same box [lo, hi] for each of n coordinates. */
export function box(n: number, lo: number, hi: number): [number, number][] {
  return Array.from({ length: n }, () => [lo, hi] as [number, number]);
}
