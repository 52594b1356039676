/**
 * Shampoo (Gupta, Koren & Singer 2018) in the Distributed-Shampoo practice that won AlgoPerf 2024
 * (Shi et al. 2023; facebookresearch/optimizers, distributed_shampoo, read in 2025): Kronecker-factored
 * preconditioners per block of at most `blockSize` x `blockSize`, their inverse roots recomputed
 * every `preconditionFrequency` steps, the step's size grafted from Adam.
 *
 * A parameter is a rows x cols matrix (a vector: n x 1; ≥ 3 dims: [∏ shape[:-1], shape[-1]]), cut
 * into blocks G_b. Per step t, with η lr, (β1, β2) betas, ε eps, ε_g graftingEps, λ weightDecay:
 *
 *   L_b ← β2 L_b + (1 - β2) G_b G_bᵀ        R_b ← β2 R_b + (1 - β2) G_bᵀ G_b      (a side of size 1: none)
 *   every f-th step (t mod f = 0):  L̃_b = (L_b/(1 - β2^t) + εI)^{-1/2k},  R̃_b likewise
 *                                    k = the block's number of factored sides (2 for a matrix, 1 for a vector)
 *   v ← β2 v + (1 - β2) g²                   Adam grafting's second moment
 *   m ← m + (1 - β1)(g - m),  m̂ = m/(1 - β1^t)          the filtered gradient (β1 = 0: m̂ = g)
 *   A = m̂ / (√(v/(1 - β2^t)) + ε_g)                      the Adam direction
 *   P = A                                                while t < startPreconditioningStep
 *   P_b = (‖A_b‖_F / (‖S_b‖_F + 1e-16)) S_b,  S_b = L̃_b m̂_b R̃_b     afterwards (grafting per block)
 *   θ ← θ - η (P + λ θ)                                  decoupled weight decay
 *
 * The inverse roots come from the symmetric eigendecomposition (`rootMethod: 'eigh'`, the default,
 * fb's EigenConfig) or the coupled Newton iteration (`'newton'`, google-research's
 * matrix_inverse_pth_root); see matrix-roots.ts. `impl: 'fused'` (default) runs the products on
 * the kernels' gemm, `'reference'` on plain loops; statistics and roots are computed in f64 and
 * stored in the parameter's dtype. Defaults follow fb's README (AdamW-like): lr 1e-3, betas
 * [0.9, 0.999], eps 1e-12, graftingEps 1e-8, weightDecay 0, blockSize 1024, and
 * preconditionFrequency 20 (fb's README: 100; small models refresh more often),
 * startPreconditioningStep = preconditionFrequency. Deviations from fb: no momentum after
 * preconditioning, no β3, no L2 (coupled) decay, no dimension merging, no distributed or
 * quantized states; a side of size 1 is not factored (fb merges such dims away first).
 */
import type { FloatArray, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import {
  gemmProduct,
  inverseRootEigh,
  inverseRootNewton,
  naiveProduct,
  type Product,
} from './matrix-roots.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBetas, checkLr, checkNonNegative, checkPositiveInt } from './validate.js';

export interface ShampooOptions extends BaseOptions {
  lr: number;
  betas: [number, number];
  /** ε added to the factors before the inverse root (fb's epsilon), default 1e-12. */
  eps: number;
  /** ε of the Adam grafting, default 1e-8. */
  graftingEps: number;
  weightDecay: number;
  /** Largest side of a block (fb's max_preconditioner_dim), default 1024. */
  blockSize: number;
  /** Steps between inverse-root refreshes, default 20. */
  preconditionFrequency: number;
  /** The first step that uses Shampoo's direction (before: Adam's); null: preconditionFrequency. */
  startPreconditioningStep: number | null;
  rootMethod: 'eigh' | 'newton';
}

export const SHAMPOO_DEFAULTS: Readonly<ShampooOptions> = Object.freeze({
  lr: 1e-3,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-12,
  graftingEps: 1e-8,
  weightDecay: 0,
  blockSize: 1024,
  preconditionFrequency: 20,
  startPreconditioningStep: null,
  rootMethod: 'eigh' as const,
});

/** One block of a rows x cols parameter: its rows [r0, r0 + rb) and columns [c0, c0 + cb). */
export interface Block {
  r0: number;
  rb: number;
  c0: number;
  cb: number;
}

/** The parameter as a matrix: [∏ shape[:-1], shape[-1]] for ≥ 2 dims, else [n, 1]. */
export function matrixShape(shape: readonly number[], length: number): [number, number] {
  if (shape.length < 2) return [length, 1];
  const cols = shape[shape.length - 1];
  return [cols === 0 ? 0 : length / cols, cols];
}

/** The blocks of a rows x cols matrix, sides cut into pieces of at most `size`, row-major order. */
export function blocksOf(rows: number, cols: number, size: number): Block[] {
  const cut = (n: number) => {
    const out: Array<[number, number]> = [];
    for (let s = 0; s < n; s += size) out.push([s, Math.min(size, n - s)]);
    return out;
  };
  const blocks: Block[] = [];
  for (const [r0, rb] of cut(rows)) for (const [c0, cb] of cut(cols)) blocks.push({ r0, rb, c0, cb });
  return blocks;
}

/** Lengths of the concatenated left and right factors of all blocks (a side of 1: no factor). */
export function factorLengths(blocks: Block[]): { left: number; right: number } {
  let left = 0;
  let right = 0;
  for (const b of blocks) {
    if (b.rb > 1) left += b.rb * b.rb;
    if (b.cb > 1) right += b.cb * b.cb;
  }
  return { left, right };
}

/** Shampoo's state of one parameter as plain arrays (f64 copies during a step). */
export interface ShampooArrays {
  expAvg: FloatArray;
  expAvgSq: FloatArray;
  factorLeft: FloatArray;
  factorRight: FloatArray;
  rootLeft: FloatArray;
  rootRight: FloatArray;
}

function identityInto(out: Float64Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) out[off + i * n + i] = 1;
}

/**
 * One Shampoo step in plain TypeScript on one parameter (`theta` and the state updated in place),
 * `step` the new step number t; products by `mm` (naive loops for the reference path).
 */
export function shampooStep(
  theta: FloatArray,
  grad: FloatArray,
  shape: readonly number[],
  state: ShampooArrays,
  step: number,
  o: ShampooOptions,
  mm: Product = naiveProduct,
): void {
  const n = theta.length;
  const [rows, cols] = matrixShape(shape, n);
  const blocks = blocksOf(rows, cols, o.blockSize);
  const [b1, b2] = o.betas;
  const g = Float64Array.from(grad);
  const L = Float64Array.from(state.factorLeft);
  const R = Float64Array.from(state.factorRight);
  const rootL = Float64Array.from(state.rootLeft);
  const rootR = Float64Array.from(state.rootRight);
  const refresh = step % o.preconditionFrequency === 0;
  const start = o.startPreconditioningStep ?? o.preconditionFrequency;
  const bc2 = 1 - b2 ** step;
  const blockOf = (x: Float64Array, b: Block) => {
    const out = new Float64Array(b.rb * b.cb);
    for (let i = 0; i < b.rb; i++)
      for (let j = 0; j < b.cb; j++) out[i * b.cb + j] = x[(b.r0 + i) * cols + b.c0 + j];
    return out;
  };
  const root = (F: Float64Array, d: number, p: number) =>
    o.rootMethod === 'newton' ? inverseRootNewton(F, d, p, o.eps, mm) : inverseRootEigh(F, d, p, o.eps, mm);
  // the factors (and, every f-th step, their inverse roots)
  let offL = 0;
  let offR = 0;
  for (const b of blocks) {
    const G = blockOf(g, b);
    const k = (b.rb > 1 ? 1 : 0) + (b.cb > 1 ? 1 : 0);
    if (b.rb > 1) {
      const GG = mm(G, b.rb, b.cb, G, b.rb, b.cb, false, true);
      const F = new Float64Array(b.rb * b.rb);
      for (let i = 0; i < GG.length; i++) {
        L[offL + i] = b2 * L[offL + i] + (1 - b2) * GG[i];
        F[i] = L[offL + i] / bc2;
      }
      if (refresh) rootL.set(root(F, b.rb, 2 * k), offL);
      offL += b.rb * b.rb;
    }
    if (b.cb > 1) {
      const GG = mm(G, b.rb, b.cb, G, b.rb, b.cb, true, false);
      const F = new Float64Array(b.cb * b.cb);
      for (let i = 0; i < GG.length; i++) {
        R[offR + i] = b2 * R[offR + i] + (1 - b2) * GG[i];
        F[i] = R[offR + i] / bc2;
      }
      if (refresh) rootR.set(root(F, b.cb, 2 * k), offR);
      offR += b.cb * b.cb;
    }
  }
  // grafting direction A and the filtered gradient m̂
  const v = Float64Array.from(state.expAvgSq);
  const m = Float64Array.from(state.expAvg);
  const mHat = new Float64Array(n);
  const A = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    if (b1 === 0) mHat[i] = g[i];
    else {
      m[i] = m[i] + (1 - b1) * (g[i] - m[i]);
      mHat[i] = m[i] / (1 - b1 ** step);
    }
    A[i] = mHat[i] / (Math.sqrt(v[i] / bc2) + o.graftingEps);
  }
  const P = A;
  if (step >= start) {
    offL = 0;
    offR = 0;
    for (const b of blocks) {
      let S: Float64Array = blockOf(mHat, b);
      if (b.rb > 1) {
        S = mm(rootL.subarray(offL, offL + b.rb * b.rb), b.rb, b.rb, S, b.rb, b.cb);
        offL += b.rb * b.rb;
      }
      if (b.cb > 1) {
        S = mm(S, b.rb, b.cb, rootR.subarray(offR, offR + b.cb * b.cb), b.cb, b.cb);
        offR += b.cb * b.cb;
      }
      const Ab = blockOf(A, b);
      let na = 0;
      let ns = 0;
      for (let i = 0; i < S.length; i++) {
        na += Ab[i] * Ab[i];
        ns += S[i] * S[i];
      }
      const scale = Math.sqrt(na) / (Math.sqrt(ns) + 1e-16);
      for (let i = 0; i < b.rb; i++) {
        for (let j = 0; j < b.cb; j++) P[(b.r0 + i) * cols + b.c0 + j] = scale * S[i * b.cb + j];
      }
    }
  }
  for (let i = 0; i < n; i++) theta[i] = theta[i] - o.lr * (P[i] + o.weightDecay * theta[i]);
  state.expAvg.set(m);
  state.expAvgSq.set(v);
  state.factorLeft.set(L);
  state.factorRight.set(R);
  state.rootLeft.set(rootL);
  state.rootRight.set(rootR);
}

/** The inverse roots' initial value: identity blocks (used only if a refresh has not happened yet). */
function identityFactors(blocks: Block[], side: 'left' | 'right', length: number): Float64Array {
  const out = new Float64Array(length);
  let off = 0;
  for (const b of blocks) {
    const d = side === 'left' ? b.rb : b.cb;
    if (d > 1) {
      identityInto(out, off, d);
      off += d * d;
    }
  }
  return out;
}

type ShampooState = { step: number } & { [K in keyof ShampooArrays]: WasmArray };

const ARRAY_KEYS = ['expAvg', 'expAvgSq', 'factorLeft', 'factorRight', 'rootLeft', 'rootRight'] as const;

export class Shampoo extends Optimizer<ShampooOptions> {
  readonly name = 'Shampoo';

  constructor(
    params: ParamsInput<ShampooOptions>,
    options: Partial<ShampooOptions> & OptimizerBehaviour = {},
  ) {
    super('Shampoo', params, SHAMPOO_DEFAULTS, options);
  }

  protected validateGroup(o: ShampooOptions): void {
    validateShampooOptions(o);
  }

  private blocks(p: Param, blockSize: number): Block[] {
    const [rows, cols] = matrixShape(p.shape, p.length);
    return blocksOf(rows, cols, blockSize);
  }

  protected override prepareState(p: Param, group: ParamGroup<ShampooOptions>): void {
    this.stateOf<ShampooState>(p, () => {
      const blocks = this.blocks(p, group.blockSize);
      const { left, right } = factorLengths(blocks);
      const rootLeft = this.stateArray(p.dtype, left);
      const rootRight = this.stateArray(p.dtype, right);
      rootLeft.data.set(identityFactors(blocks, 'left', left));
      rootRight.data.set(identityFactors(blocks, 'right', right));
      return {
        step: 0,
        expAvg: this.stateArray(p.dtype, p.length),
        expAvgSq: this.stateArray(p.dtype, p.length),
        factorLeft: this.stateArray(p.dtype, left),
        factorRight: this.stateArray(p.dtype, right),
        rootLeft,
        rootRight,
      };
    });
  }

  protected override stateSpec(): StateSpec {
    const spec: StateSpec = { step: { kind: 'number', required: true } };
    for (const k of ARRAY_KEYS) spec[k] = { kind: 'array', required: true };
    return spec;
  }

  protected override stateArrayLength(p: Param, key: string): number | undefined {
    const group = this.paramGroups.find((g) => g.params.includes(p));
    const { left, right } = factorLengths(this.blocks(p, group?.blockSize ?? SHAMPOO_DEFAULTS.blockSize));
    if (key === 'factorLeft' || key === 'rootLeft') return left;
    if (key === 'factorRight' || key === 'rootRight') return right;
    return p.length;
  }

  protected updateGroup(group: ParamGroup<ShampooOptions>): void {
    const mm = this.impl === 'fused' ? gemmProduct : naiveProduct;
    for (const p of group.params) {
      const st = this.state.get(p) as ShampooState;
      const { left, right } = factorLengths(this.blocks(p, group.blockSize));
      if (st.factorLeft.length !== left || st.factorRight.length !== right) {
        throw new RangeError(
          `Invalid blockSize value: ${group.blockSize} (${p.name}'s factors were built with another blockSize; call resetState() to change it)`,
        );
      }
      const step = st.step + 1;
      const arrays = Object.fromEntries(
        ARRAY_KEYS.map((k) => [k, st[k].data.slice()]),
      ) as unknown as ShampooArrays;
      const theta = p.data.slice();
      shampooStep(theta, p.grad.slice(), p.shape, arrays, step, group, mm);
      // the products may have grown memory: fresh views for the writes
      p.data.set(theta);
      for (const k of ARRAY_KEYS) st[k].data.set(arrays[k]);
      st.step = step;
    }
  }
}

export function validateShampooOptions(o: ShampooOptions): void {
  checkLr(o.lr);
  checkBetas(o.betas);
  checkNonNegative('eps', o.eps);
  checkNonNegative('graftingEps', o.graftingEps);
  checkNonNegative('weightDecay', o.weightDecay);
  checkPositiveInt('blockSize', o.blockSize);
  checkPositiveInt('preconditionFrequency', o.preconditionFrequency);
  const s = o.startPreconditioningStep;
  if (s !== null && (!Number.isInteger(s) || s < o.preconditionFrequency)) {
    throw new RangeError(
      `Invalid startPreconditioningStep value: ${String(s)} (expected null or an integer >= preconditionFrequency, ${o.preconditionFrequency})`,
    );
  }
  if (o.rootMethod !== 'eigh' && o.rootMethod !== 'newton') {
    throw new RangeError(`Invalid rootMethod value: ${String(o.rootMethod)} (expected 'eigh' or 'newton')`);
  }
}
