/**
 * The state of `LBFGS` (torch's state on the first parameter): the correction pairs (s_i, y_i)
 * with ρ_i = 1 / y_iᵀs_i, the scaling H_diag, the last direction d and step t, the previous flat
 * gradient and loss, and the counters. Vectors live in kernel memory; `toStateDict` /
 * `fromStateDict` convert to the state-dict format (pairs concatenated, oldest first).
 */
import { alloc, type DType, fromArray, type WasmArray } from '@descent/kernels';
import type { ParamStateDict, StateValue } from './state-dict.js';

/** BLAS-1 over kernel-memory arrays (the kernels, or plain loops for the reference path). */
export interface VectorOps {
  dot(x: WasmArray, y: WasmArray): number;
  /** y ← a x + y */
  axpy(a: number, x: WasmArray, y: WasmArray): void;
  /** x ← a x */
  scal(a: number, x: WasmArray): void;
  /** y ← x */
  copy(x: WasmArray, y: WasmArray): void;
  maxAbs(x: WasmArray): number;
}

/** The state dict's fields, checked (typed arrays still outside kernel memory). */
interface CheckedState {
  funcEvals: number;
  nIter: number;
  d?: Float32Array | Float64Array;
  t?: number;
  oldDirs: Float32Array | Float64Array;
  oldStps: Float32Array | Float64Array;
  ro: number[];
  HDiag?: number;
  prevFlatGrad?: Float32Array | Float64Array;
  prevLoss?: number;
}

export class LbfgsHistory {
  funcEvals = 0;
  nIter = 0;
  d: WasmArray | undefined;
  t: number | undefined;
  /** y_i, oldest first (torch's old_dirs). */
  oldDirs: WasmArray[] = [];
  /** s_i, oldest first (torch's old_stps). */
  oldStps: WasmArray[] = [];
  ro: number[] = [];
  HDiag: number | undefined;
  prevFlatGrad: WasmArray | undefined;
  prevLoss: number | undefined;
  private readonly al: number[] = [];

  constructor(
    readonly dtype: DType,
    readonly n: number,
  ) {}

  clearPairs(): void {
    for (const v of this.oldDirs) v.free();
    for (const v of this.oldStps) v.free();
    this.oldDirs = [];
    this.oldStps = [];
    this.ro = [];
  }

  /**
   * y = g - g_prev, s = t d; the pair is kept when yᵀs > 1e-10 (dropping the oldest beyond
   * historySize), with ρ = 1 / yᵀs and H_diag = yᵀs / yᵀy. `R` rounds scalars to the dtype.
   */
  update(
    g: WasmArray,
    d: WasmArray,
    t: number,
    historySize: number,
    ops: VectorOps,
    R: (v: number) => number,
  ): void {
    const y = alloc(this.dtype, this.n);
    ops.copy(g, y);
    ops.axpy(-1, this.prevFlatGrad as WasmArray, y);
    const s = alloc(this.dtype, this.n);
    ops.copy(d, s);
    ops.scal(t, s);
    const ys = ops.dot(y, s);
    if (ys > 1e-10) {
      while (this.oldDirs.length >= historySize) {
        this.oldDirs.shift()?.free();
        this.oldStps.shift()?.free();
        this.ro.shift();
      }
      this.oldDirs.push(y);
      this.oldStps.push(s);
      this.ro.push(R(1 / ys));
      this.HDiag = R(ys / ops.dot(y, y));
    } else {
      y.free();
      s.free();
    }
  }

  /** The two-loop recursion: a new array d = -H g from the stored pairs. */
  direction(g: WasmArray, ops: VectorOps, R: (v: number) => number): WasmArray {
    const k = this.oldDirs.length;
    const q = alloc(this.dtype, this.n);
    ops.copy(g, q);
    ops.scal(-1, q);
    for (let i = k - 1; i >= 0; i--) {
      this.al[i] = R(ops.dot(this.oldStps[i], q) * this.ro[i]);
      ops.axpy(-this.al[i], this.oldDirs[i], q);
    }
    ops.scal(this.HDiag ?? 1, q);
    for (let i = 0; i < k; i++) {
      const be = R(ops.dot(this.oldDirs[i], q) * this.ro[i]);
      ops.axpy(R(this.al[i] - be), this.oldStps[i], q);
    }
    return q;
  }

  free(): void {
    this.clearPairs();
    this.d?.free();
    this.prevFlatGrad?.free();
    this.d = undefined;
    this.prevFlatGrad = undefined;
  }

  toStateDict(): ParamStateDict {
    const out: ParamStateDict = { funcEvals: this.funcEvals, nIter: this.nIter };
    if (this.d) out.d = this.d.toArray();
    if (this.t !== undefined) out.t = this.t;
    out.oldDirs = concat(this.dtype, this.n, this.oldDirs);
    out.oldStps = concat(this.dtype, this.n, this.oldStps);
    out.ro = [...this.ro];
    if (this.HDiag !== undefined) out.HDiag = this.HDiag;
    if (this.prevFlatGrad) out.prevFlatGrad = this.prevFlatGrad.toArray();
    if (this.prevLoss !== undefined) out.prevLoss = this.prevLoss;
    return out;
  }

  /** Throws (RangeError / TypeError naming the field) unless `s` is an LBFGS state for n values of dtype. */
  static checkStateDict(s: ParamStateDict, dtype: DType, n: number): CheckedState {
    const known = [
      'funcEvals',
      'nIter',
      'd',
      't',
      'oldDirs',
      'oldStps',
      'ro',
      'HDiag',
      'prevFlatGrad',
      'prevLoss',
    ];
    for (const k of Object.keys(s)) {
      if (!known.includes(k)) throw new RangeError(`loadStateDict: unknown LBFGS state field ${k}`);
    }
    const count = (k: string) => {
      const v = s[k];
      if (!Number.isInteger(v) || (v as number) < 0)
        throw new RangeError(`loadStateDict: invalid LBFGS state ${k}: ${String(v)}`);
      return v as number;
    };
    const num = (k: string) => {
      const v = s[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number')
        throw new RangeError(`loadStateDict: invalid LBFGS state ${k}: ${String(v)}`);
      return v;
    };
    const vec = (k: string, length: number | undefined, required: boolean) => {
      const v = s[k];
      if (v === undefined && !required) return undefined;
      const want = dtype === 'f32' ? Float32Array : Float64Array;
      if (!(v instanceof want)) {
        throw new TypeError(
          `loadStateDict: LBFGS state ${k} must be a ${want.name} (the parameters are ${dtype})`,
        );
      }
      if (length !== undefined && v.length !== length) {
        throw new RangeError(`loadStateDict: LBFGS state ${k} has length ${v.length}, expected ${length}`);
      }
      return v;
    };
    const ro = s.ro;
    if (!Array.isArray(ro) || !ro.every((r) => typeof r === 'number' && Number.isFinite(r))) {
      throw new RangeError(
        `loadStateDict: LBFGS state ro must be an array of finite numbers, got ${String(ro)}`,
      );
    }
    return {
      funcEvals: count('funcEvals'),
      nIter: count('nIter'),
      d: vec('d', n, false),
      t: num('t'),
      oldDirs: vec('oldDirs', ro.length * n, true) ?? new Float64Array(0),
      oldStps: vec('oldStps', ro.length * n, true) ?? new Float64Array(0),
      ro: [...ro],
      HDiag: num('HDiag'),
      prevFlatGrad: vec('prevFlatGrad', n, false),
      prevLoss: num('prevLoss'),
    };
  }

  static fromStateDict(c: CheckedState, dtype: DType, n: number): LbfgsHistory {
    const h = new LbfgsHistory(dtype, n);
    h.funcEvals = c.funcEvals;
    h.nIter = c.nIter;
    h.d = c.d && fromArray(c.d.slice());
    h.t = c.t;
    for (let i = 0; i < c.ro.length; i++) {
      h.oldDirs.push(fromArray(c.oldDirs.slice(i * n, (i + 1) * n)));
      h.oldStps.push(fromArray(c.oldStps.slice(i * n, (i + 1) * n)));
    }
    h.ro = [...c.ro];
    h.HDiag = c.HDiag;
    h.prevFlatGrad = c.prevFlatGrad && fromArray(c.prevFlatGrad.slice());
    h.prevLoss = c.prevLoss;
    return h;
  }
}

function concat(dtype: DType, n: number, vs: WasmArray[]): StateValue {
  const out = dtype === 'f32' ? new Float32Array(vs.length * n) : new Float64Array(vs.length * n);
  vs.forEach((v, i) => {
    out.set(v.data, i * n);
  });
  return out;
}
