/**
 * Function transforms (jax's names), for a function f of one tensor:
 *
 *   grad(f)(x)           ∇f(x)                   f scalar-valued
 *   valueAndGrad(f)      (x, g?) => f(x), writing ∇f(x) into g: a minimize() objective as it is
 *   vjp(f)(x, u)         Jᵀu                     J = ∂f/∂x
 *   jvp(f)(x, v)         [f(x), J v]             by the double-vjp trick: J v = ∂/∂u ⟨Jᵀu, v⟩
 *   hvp(f)(x, v)         ∇²f(x) v                = ∇_x ⟨∇f(x), v⟩, differentiating the backward pass
 *   hessian(f)(x)        ∇²f(x), row-major n×n   one backward of the gradient graph per row
 *
 * Given typed arrays they return typed arrays (all memory freed); given a Tensor, `grad` returns a
 * Tensor that is itself differentiable, so transforms nest (grad(x => grad(f)(x).sum())).
 * `modelHessian(loss, leaves)` does the same for a model: the Hessian of a scalar loss over all its
 * parameters, flattened, as an operator for core's lanczos, hutchinsonTrace and friends.
 */
import type { DType } from '@descent/kernels';
import { runBackward } from './engine.js';
import { mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { tidy, withGradMode } from './scope.js';
import { empty, type Tensor, tensor, wrap } from './tensor.js';

type Typed = Float32Array | Float64Array;
type ScalarFn = (x: Tensor) => Tensor;

function leafOf(x: Typed): Tensor {
  return tensor(x, { requiresGrad: true });
}

function checkScalarOut(op: string, y: Tensor): void {
  if (y?.isTensor !== true) throw new TypeError(`${op}: f must return a Tensor`);
  if (y.size !== 1) throw new RangeError(`${op}: f must return a scalar, got shape [${y.shape.join(', ')}]`);
}

function zerosLikeArray(x: Typed): Typed {
  return x instanceof Float32Array ? new Float32Array(x.length) : new Float64Array(x.length);
}

/** Makes `x` a gradient target: itself when it requires grad, else a leaf sharing its memory. */
function target(x: Tensor): Tensor {
  if (x.requiresGrad) return x;
  const t = wrap(x.storage.retain(), x.shape);
  t.requiresGrad = true;
  return t;
}

/** ∇f. */
export function grad(f: ScalarFn): {
  (x: Tensor): Tensor;
  <A extends Typed>(x: A): A;
} {
  return ((x: Tensor | Typed) => {
    if ((x as Tensor).isTensor === true) {
      const t = target(x as Tensor);
      const y = withGradMode(true, () => f(t));
      checkScalarOut('grad', y);
      if (!y.requiresGrad) return zerosOf(t);
      const [g] = runBackward([y], [null], { createGraph: true }, [t]);
      return g ?? zerosOf(t);
    }
    const xs = x as Typed;
    return tidy(() => {
      const t = leafOf(xs);
      const y = withGradMode(true, () => f(t));
      checkScalarOut('grad', y);
      if (!y.requiresGrad) return zerosLikeArray(xs);
      const [g] = runBackward([y], [null], {}, [t]);
      return g ? (g.toArray() as Typed) : zerosLikeArray(xs);
    });
  }) as never;
}

function zerosOf(t: Tensor): Tensor {
  const z = empty(t.shape, t.dtype);
  z.data.fill(0);
  return z;
}

/**
 * (x, g?) => f(x), writing ∇f(x) into g when given: pass it straight to minimize():
 * `minimize(valueAndGrad(f), x0, { method: 'lbfgs' })`.
 */
export function valueAndGrad(f: ScalarFn): (x: Typed, g?: Typed) => number {
  return (x, g) =>
    tidy(() => {
      const t = leafOf(x);
      const y = withGradMode(true, () => f(t));
      checkScalarOut('valueAndGrad', y);
      const value = y.item();
      if (g) {
        if (g.length !== x.length)
          throw new RangeError(`valueAndGrad: g has length ${g.length}, x has ${x.length}`);
        const [gt] = y.requiresGrad ? runBackward([y], [null], {}, [t]) : [null];
        if (gt) g.set(gt.data);
        else g.fill(0);
      }
      return value;
    });
}

function vectorOf(op: string, v: Typed, like: Tensor, dtype: DType): Tensor {
  if (v.length !== like.size)
    throw new RangeError(`${op}: vector has length ${v.length}, expected ${like.size}`);
  return tensor(v, { dtype, shape: like.shape });
}

/** Jᵀu for f: Rⁿ → Rᵐ at x. */
export function vjp(f: ScalarFn): (x: Typed, u: Typed) => Typed {
  return (x, u) =>
    tidy(() => {
      const t = leafOf(x);
      const y = withGradMode(true, () => f(t));
      const seed = vectorOf('vjp', u, y, y.dtype);
      if (!y.requiresGrad) return zerosLikeArray(x);
      const [g] = runBackward([y], [seed], {}, [t]);
      return g ? (g.toArray() as Typed) : zerosLikeArray(x);
    });
}

/** [f(x), J v] for f: Rⁿ → Rᵐ (forward-mode product, by two reverse passes). */
export function jvp(f: ScalarFn): (x: Typed, v: Typed) => [Typed, Typed] {
  return (x, v) =>
    tidy(() => {
      const t = leafOf(x);
      const y = withGradMode(true, () => f(t));
      const value = y.toArray() as Typed;
      const dir = vectorOf('jvp', v, t, t.dtype);
      if (!y.requiresGrad) return [value, zerosLikeArray(value)];
      const u = empty(y.shape, y.dtype);
      u.data.fill(0);
      u.requiresGrad = true;
      const [g] = runBackward([y], [u], { createGraph: true }, [t]);
      if (!g?.requiresGrad) return [value, zerosLikeArray(value)];
      const [jv] = runBackward([g], [dir], {}, [u]);
      return [value, jv ? (jv.toArray() as Typed) : zerosLikeArray(value)];
    });
}

/** ∇²f(x) v. */
export function hvp(f: ScalarFn): (x: Typed, v: Typed) => Typed {
  return (x, v) =>
    tidy(() => {
      const t = leafOf(x);
      const y = withGradMode(true, () => f(t));
      checkScalarOut('hvp', y);
      if (!y.requiresGrad) return zerosLikeArray(x);
      const [g] = runBackward([y], [null], { createGraph: true }, [t]);
      if (!g?.requiresGrad) return zerosLikeArray(x);
      const [hv] = runBackward([g], [vectorOf('hvp', v, t, t.dtype)], {}, [t]);
      return hv ? (hv.toArray() as Typed) : zerosLikeArray(x);
    });
}

/** ∇²f(x) as a row-major n×n Float64Array (the layout core's analysis takes). */
export function hessian(f: ScalarFn): (x: Typed) => Float64Array {
  return (x) =>
    tidy(() => {
      const n = x.length;
      const H = new Float64Array(n * n);
      const t = leafOf(x);
      const y = withGradMode(true, () => f(t));
      checkScalarOut('hessian', y);
      if (!y.requiresGrad) return H;
      const [g] = runBackward([y], [null], { createGraph: true }, [t]);
      if (!g?.requiresGrad) return H;
      const e = empty(t.shape, t.dtype);
      for (let i = 0; i < n; i++) {
        tidy(() => {
          e.data.fill(0);
          e.data[i] = 1;
          const [row] = runBackward([g], [e], { retainGraph: true }, [t]);
          if (row) H.set(row.data, i * n);
        });
      }
      return H;
    });
}

export interface ModelHessian {
  /** number of parameters (the Hessian is n×n) */
  n: number;
  /** v ↦ H v over the flattened leaves (core's LinearOperator: lanczos, hutchinsonTrace) */
  hvp: (v: Float64Array, out: Float64Array) => Float64Array;
  /** the gradient, flattened */
  gradient: () => Float64Array;
  /** the dense Hessian (n HVPs; for small models) */
  dense: () => Float64Array;
}

/**
 * The Hessian of `loss()` with respect to `leaves` (tensors that require gradients, e.g. from
 * fromParam), flattened in order. Each product runs the loss forward and two backward passes.
 */
export function modelHessian(loss: () => Tensor, leaves: readonly Tensor[]): ModelHessian {
  if (!Array.isArray(leaves) || leaves.length === 0)
    throw new RangeError('modelHessian: give at least one leaf tensor');
  for (const [i, l] of leaves.entries())
    if (l?.isTensor !== true || !l.requiresGrad)
      throw new TypeError(`modelHessian: leaf ${i} must be a Tensor that requires grad`);
  const n = leaves.reduce((p, l) => p + l.size, 0);
  const gradsOf = (createGraph: boolean) => {
    const y = withGradMode(true, loss);
    checkScalarOut('modelHessian', y);
    return runBackward([y], [null], { createGraph }, leaves);
  };
  const hvpInto = (v: Float64Array, out: Float64Array): Float64Array => {
    if (v.length !== n) throw new RangeError(`modelHessian: vector has length ${v.length}, expected ${n}`);
    tidy(() => {
      const gs = gradsOf(true);
      let dot: Tensor | null = null;
      let at = 0;
      for (const [i, l] of leaves.entries()) {
        const g = gs[i];
        const part = tensor(v.subarray(at, at + l.size), { dtype: l.dtype, shape: l.shape });
        at += l.size;
        if (!g?.requiresGrad) continue;
        const term = sum(mul(g, part));
        dot = dot ? dot.add(term) : term;
      }
      out.fill(0);
      if (!dot) return;
      const hv = runBackward([dot], [null], {}, leaves);
      let o = 0;
      for (const [i, l] of leaves.entries()) {
        const h = hv[i];
        if (h) out.set(h.data, o);
        o += l.size;
      }
    });
    return out;
  };
  return {
    n,
    hvp: hvpInto,
    gradient: () =>
      tidy(() => {
        const out = new Float64Array(n);
        let o = 0;
        for (const [i, g] of gradsOf(false).entries()) {
          if (g) out.set(g.data, o);
          o += leaves[i].size;
        }
        return out;
      }),
    dense: () => {
      const H = new Float64Array(n * n);
      const e = new Float64Array(n);
      const row = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        e.fill(0);
        e[i] = 1;
        hvpInto(e, row);
        H.set(row, i * n);
      }
      return H;
    },
  };
}
