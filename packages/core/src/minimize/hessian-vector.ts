/**
 * Hessian-vector products for the Hessian-free methods ('newton-cg', 'trust-ncg'), in order of
 * preference:
 *
 *   'hvp'      the objective's own `hvp(x, v, out)`: out = ∇²f(x) v            (counted in nhev)
 *   'hessian'  the objective's dense `hessian(x, out)`, evaluated once per x, times v
 *   'fd'       differences of the gradient, SciPy's approx_fhess_p:
 *              ∇²f(x) v ≈ (∇f(x + ε v) - ∇f(x)) / ε,  ε = √(machine ε) = 1.49e-8
 *              (one extra gradient per product, counted in ngev; ∇f(x) is the caller's)
 */
import type { CountedObjective } from './objective.js';

export type HessianVectorSource = 'hvp' | 'hessian' | 'fd';

export interface HessianVectorProduct {
  readonly source: HessianVectorSource;
  /** out = ∇²f(x) v, at the x of the last `at` call. */
  times(v: Float64Array, out: Float64Array): Float64Array;
  /** Moves to x, whose gradient is g (read by 'fd'; not copied, so keep it unchanged meanwhile). */
  at(x: Float64Array, g: Float64Array): void;
}

export function hessianVectorProduct(
  obj: CountedObjective,
  n: number,
  source: HessianVectorSource,
  epsilon = Math.sqrt(Number.EPSILON),
): HessianVectorProduct {
  let x: Float64Array = new Float64Array(n);
  let g: Float64Array = new Float64Array(n);
  let H: Float64Array | undefined;
  let fresh = false;
  const xe = new Float64Array(n);
  const ge = new Float64Array(n);
  return {
    source,
    at(xNew, gNew) {
      x = xNew;
      g = gNew;
      fresh = false;
    },
    times(v, out) {
      if (source === 'hvp') {
        obj.hvp(x, v, out);
      } else if (source === 'hessian') {
        if (!fresh) {
          H ??= new Float64Array(n * n);
          obj.hessian(x, H);
          fresh = true;
        }
        const M = H as Float64Array;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += M[i * n + j] * v[j];
          out[i] = s;
        }
      } else {
        for (let i = 0; i < n; i++) xe[i] = x[i] + epsilon * v[i];
        obj.grad(xe, ge);
        for (let i = 0; i < n; i++) out[i] = (ge[i] - g[i]) / epsilon;
      }
      return out;
    },
  };
}
