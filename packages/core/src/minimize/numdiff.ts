/**
 * Numerical gradients, as SciPy's `scipy.optimize._numdiff.approx_derivative` (no bounds) and
 * `approx_fprime` / `check_grad`.
 *
 *   '2-point'  ∂f/∂x_i ≈ (f(x + h_i e_i) - f(x)) / h_i              n evaluations (f(x) known)
 *              h_i = ε^(1/2) · sign(x_i) · max(1, |x_i|)
 *   '3-point'  ∂f/∂x_i ≈ (f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)   2n evaluations
 *              h_i = ε^(1/3) · sign(x_i) · max(1, |x_i|)
 *
 * ε = 2.220446049250313e-16, sign(0) = +1. The step actually divided by is the one represented in
 * floating point: (x_i + h_i) - x_i for '2-point', (x_i + h_i) - (x_i - h_i) for '3-point'.
 * An absolute step (`absStep`, approx_fprime's `epsilon`) replaces h_i where x_i + absStep ≠ x_i.
 *
 * Complex steps ('cs') need f to accept complex numbers; a JavaScript function of a Float64Array
 * cannot, so 'cs' is refused by name.
 */
import type { CountedObjective } from './objective.js';

export type FiniteDifferenceMethod = '2-point' | '3-point';

const EPS = Number.EPSILON;

/** Throws unless `jac` names a finite-difference scheme this module can run. */
export function checkFiniteDifferenceMethod(
  label: string,
  jac: unknown,
): asserts jac is FiniteDifferenceMethod {
  if (jac === '2-point' || jac === '3-point') return;
  if (jac === 'cs') {
    throw new RangeError(
      `Invalid ${label} value: 'cs' (complex-step differences need f to accept complex x; a JavaScript function of a Float64Array cannot. Use '2-point' or '3-point')`,
    );
  }
  throw new RangeError(`Invalid ${label} value: ${String(jac)} (expected '2-point' or '3-point')`);
}

/** SciPy's relative step for `method` at x_i: ε^(1/2) or ε^(1/3), times sign(x_i) · max(1, |x_i|). */
export function relativeStep(method: FiniteDifferenceMethod, xi: number): number {
  const r = method === '2-point' ? Math.sqrt(EPS) : EPS ** (1 / 3);
  return r * (xi >= 0 ? 1 : -1) * Math.max(1, Math.abs(xi));
}

/**
 * The gradient of f at x by finite differences into `out` (returned). `f0` = f(x) saves one
 * evaluation for '2-point'; `absStep` replaces the relative step as in approx_fprime. x is left as
 * it was (each coordinate is restored after its evaluations).
 */
export function approxGradient(
  f: (x: Float64Array) => number,
  x: Float64Array,
  method: FiniteDifferenceMethod = '2-point',
  out: Float64Array = new Float64Array(x.length),
  f0?: number,
  absStep?: number,
): Float64Array {
  const n = x.length;
  const xs = x.slice();
  const fx = method === '2-point' ? (f0 ?? f(xs)) : 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    let h = relativeStep(method, xi);
    if (absStep !== undefined && xi + absStep - xi !== 0) h = absStep;
    if (method === '2-point') {
      xs[i] = xi + h;
      const dx = xs[i] - xi;
      out[i] = (f(xs) - fx) / dx;
    } else {
      xs[i] = xi - h;
      const x1 = xs[i];
      const f1 = f(xs);
      xs[i] = xi + h;
      const dx = xs[i] - x1;
      out[i] = (f(xs) - f1) / dx;
    }
    xs[i] = xi;
  }
  return out;
}

/**
 * scipy.optimize.approx_fprime(x, f, epsilon): forward differences with the absolute step
 * `epsilon` (default √ε = 1.4901161193847656e-8).
 */
export function approxFprime(
  x: Float64Array | ArrayLike<number>,
  f: (x: Float64Array) => number,
  epsilon = Math.sqrt(EPS),
): Float64Array {
  const x0 = checkPoint('approxFprime', x);
  checkStep(epsilon);
  return approxGradient(f, x0, '2-point', new Float64Array(x0.length), undefined, epsilon);
}

/**
 * scipy.optimize.check_grad(f, grad, x): ‖grad(x) - approx_fprime(x, f, epsilon)‖₂, small (about
 * √ε · ‖∇²f‖) when `grad` is right. `grad` may return its gradient or fill `out`.
 */
export function checkGrad(
  f: (x: Float64Array) => number,
  grad: (x: Float64Array, out: Float64Array) => unknown,
  x: Float64Array | ArrayLike<number>,
  epsilon = Math.sqrt(EPS),
): number {
  const x0 = checkPoint('checkGrad', x);
  checkStep(epsilon);
  const out = new Float64Array(x0.length);
  const returned = grad(x0.slice(), out);
  const g: ArrayLike<number> = returned instanceof Float64Array || Array.isArray(returned) ? returned : out;
  if (g.length !== x0.length) {
    throw new RangeError(`checkGrad: grad returned length ${g.length}, expected x.length = ${x0.length}`);
  }
  const approx = approxGradient(f, x0, '2-point', new Float64Array(x0.length), undefined, epsilon);
  let s = 0;
  for (let i = 0; i < x0.length; i++) s += (g[i] - approx[i]) ** 2;
  return Math.sqrt(s);
}

function checkPoint(label: string, x: Float64Array | ArrayLike<number>): Float64Array {
  if (!x || typeof x.length !== 'number')
    throw new TypeError(`${label}: x must be a Float64Array or an array`);
  const x0 = Float64Array.from(x);
  if (x0.length === 0) throw new RangeError(`${label}: x is empty`);
  if (!x0.every(Number.isFinite)) throw new RangeError(`${label}: x has a non-finite entry`);
  return x0;
}

function checkStep(epsilon: unknown): void {
  if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new RangeError(`Invalid epsilon value: ${String(epsilon)} (expected a positive finite number)`);
  }
}

/** Forward differences of ∇f, one gradient evaluation per column, symmetrized
 * (used by 'newton' and 'trust-exact' when the objective has no Hessian). */
export function finiteDifferenceHessian(
  obj: CountedObjective,
  x: Float64Array,
  g: Float64Array,
  H: Float64Array,
): void {
  const n = x.length;
  const xh = x.slice();
  const gh = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = Math.sqrt(Number.EPSILON) * Math.max(1, Math.abs(x[j]));
    xh[j] = x[j] + h;
    const step = xh[j] - x[j]; // the step actually represented in floating point
    obj.grad(xh, gh);
    for (let i = 0; i < n; i++) H[i * n + j] = (gh[i] - g[i]) / step;
    xh[j] = x[j];
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = s;
      H[j * n + i] = s;
    }
  }
}
