/**
 * L-BFGS, exactly as `torch.optim.LBFGS` (which follows minFunc): closure-based, working on the
 * concatenation x of all parameters (one parameter group only, as torch).
 *
 *   const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 *   opt.step(() => { opt.zeroGrad(); const f = loss(); fillGrads(); return f; });
 *
 * One step() runs up to maxIter iterations (maxEval closure calls):
 *
 *   d = -g on the very first iteration, otherwise, with s = t d_prev, y = g - g_prev, and the pair
 *   stored when yᵀs > 1e-10 (the oldest dropped beyond historySize), ρ_i = 1 / y_iᵀs_i,
 *   H_diag = yᵀs / yᵀy:
 *     q = -g;  for i newest → oldest: α_i = ρ_i s_iᵀq,  q -= α_i y_i
 *     d = H_diag q;  for i oldest → newest: β_i = ρ_i y_iᵀd,  d += (α_i - β_i) s_i
 *   t = min(1, 1 / ‖g‖₁) lr on the very first iteration, lr afterwards; stop if gᵀd > -toleranceChange
 *   x += t d                          (lineSearchFn null: a fixed step, then one closure call)
 *   x += t d, t from strong Wolfe     (lineSearchFn 'strong_wolfe': torch's _strong_wolfe)
 *   stop when ‖g‖∞ <= toleranceGrad, ‖t d‖∞ <= toleranceChange, |f - f_prev| < toleranceChange,
 *   or the iteration / evaluation budget of this step is spent.
 *
 * Defaults are torch's: lr 1, maxIter 20, maxEval floor(1.25 maxIter), toleranceGrad 1e-7,
 * toleranceChange 1e-9, historySize 100, lineSearchFn null. The history lives in the state
 * (`stateDict()` round trips give a bit-identical continuation): state[0] = { funcEvals, nIter,
 * d, t, oldDirs, oldStps (the k stored y and s, concatenated: k·n values), ro, HDiag,
 * prevFlatGrad, prevLoss }.
 *
 * The vector work runs in kernel memory through the BLAS-1 kernels (dot, axpy, scal, copy, maxAbs)
 * with `impl: 'fused'` (default), or in plain TypeScript loops with `impl: 'reference'`.
 *
 * Non-finite values: a NaN/Inf gradient at the step's first closure call throws
 * NonFiniteGradientError (or skips the step with onNonFinite: 'skip') with nothing changed, like
 * every optimizer. Inside the step, the strong-Wolfe search treats a non-finite loss as +∞ (it
 * backtracks); with a fixed step, a non-finite loss or gradient puts the parameters back at the
 * last finite iterate, ends the step (the history keeps the iterations before it), and then
 * throws NonFiniteGradientError or counts a skipped step.
 */
import { alloc, axpy, copy, type DType, dot, maxAbs, scal, type WasmArray } from '@descent/kernels';
import { strongWolfe, type WolfeVectorOps } from '../minimize/strong-wolfe.js';
import type { Param } from '../param.js';
import { LbfgsHistory, type VectorOps } from './lbfgs-history.js';
import {
  type BaseOptions,
  NonFiniteGradientError,
  Optimizer,
  type OptimizerBehaviour,
  type ParamsInput,
} from './optimizer.js';
import type { OptimizerStateDict, ParamStateDict } from './state-dict.js';
import { checkLr, checkNonNegative, checkPositiveInt } from './validate.js';

export interface LBFGSOptions extends BaseOptions {
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearchFn: 'strong_wolfe' | null;
}

/** The kernel path: SIMD BLAS-1 over kernel memory. */
const fusedOps: VectorOps = { dot, axpy, scal, copy, maxAbs };

/** The reference path: the same operations as plain loops. */
const referenceOps: VectorOps = {
  dot: (x, y) => {
    const a = x.data;
    const b = y.data;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return x.dtype === 'f32' ? Math.fround(s) : s;
  },
  axpy: (alpha, x, y) => {
    const a = x.data;
    const b = y.data;
    const al = x.dtype === 'f32' ? Math.fround(alpha) : alpha;
    for (let i = 0; i < a.length; i++) b[i] += x.dtype === 'f32' ? Math.fround(al * a[i]) : al * a[i];
  },
  scal: (alpha, x) => {
    const a = x.data;
    for (let i = 0; i < a.length; i++) a[i] *= alpha;
  },
  copy: (x, y) => y.data.set(x.data),
  maxAbs: (x) => {
    let m = 0;
    for (const v of x.data) {
      const a = Math.abs(v);
      if (!(a <= m)) m = a;
    }
    return m;
  },
};

export class LBFGS extends Optimizer<LBFGSOptions> {
  readonly name = 'LBFGS';
  private readonly params_: Param[];
  private readonly dtype: DType;
  private readonly n: number;
  private readonly ops: VectorOps;
  private history: LbfgsHistory | undefined;

  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> & OptimizerBehaviour = {}) {
    const maxIter = options.maxIter ?? 20;
    const defaults: LBFGSOptions = {
      lr: 1,
      maxIter,
      maxEval: Math.floor((maxIter * 5) / 4),
      toleranceGrad: 1e-7,
      toleranceChange: 1e-9,
      historySize: 100,
      lineSearchFn: null,
    };
    super('LBFGS', params, defaults, options);
    if (this.paramGroups.length !== 1) {
      throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
    }
    this.params_ = this.paramGroups[0].params;
    this.dtype = this.params_[0].dtype;
    for (const p of this.params_) {
      if (p.dtype !== this.dtype) {
        throw new RangeError(
          `LBFGS needs parameters of one dtype: ${this.params_[0].name} is ${this.dtype}, ${p.name} is ${p.dtype}`,
        );
      }
    }
    this.n = this.params_.reduce((s, p) => s + p.length, 0);
    this.ops = this.impl === 'fused' ? fusedOps : referenceOps;
  }

  protected validateGroup(o: LBFGSOptions): void {
    checkLr(o.lr);
    checkPositiveInt('maxIter', o.maxIter);
    checkPositiveInt('maxEval', o.maxEval);
    checkNonNegative('toleranceGrad', o.toleranceGrad);
    checkNonNegative('toleranceChange', o.toleranceChange);
    checkPositiveInt('historySize', o.historySize);
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') {
      throw new RangeError(
        `Invalid lineSearchFn value: ${String(o.lineSearchFn)} (expected 'strong_wolfe' or null)`,
      );
    }
  }

  protected updateGroup(): void {
    throw new TypeError('LBFGS.step needs a closure that recomputes the loss and the gradients');
  }

  override addParamGroup(): void {
    throw new RangeError("LBFGS doesn't support per-parameter options (parameter groups)");
  }

  /** Closure calls made so far, over all steps (torch's state['func_evals']). */
  get funcEvals(): number {
    return this.history?.funcEvals ?? 0;
  }

  /** Iterations made so far, over all steps (torch's state['n_iter']). */
  get nIter(): number {
    return this.history?.nIter ?? 0;
  }

  /**
   * Up to maxIter L-BFGS iterations. `closure` zeroes the gradients, recomputes the loss and the
   * gradients, and returns the loss; step() returns the loss of its first call.
   */
  override step(closure?: () => number): number {
    if (typeof closure !== 'function') {
      throw new TypeError('LBFGS.step needs a closure that recomputes the loss and the gradients');
    }
    this.checkUsable();
    this.checkGroups();
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } =
      this.paramGroups[0];
    const ops = this.ops;
    const R = this.dtype === 'f32' ? Math.fround : (v: number) => v;
    const origLoss = closure();
    if (!this.checkGradients()) return origLoss;
    this.history ??= new LbfgsHistory(this.dtype, this.n);
    const st = this.history;
    let loss = Number(origLoss);
    let currentEvals = 1;
    st.funcEvals += 1;
    let flatGrad = this.gatherFlatGrad();
    if (ops.maxAbs(flatGrad) <= toleranceGrad) {
      flatGrad.free();
      this.stepsTaken++;
      return origLoss;
    }
    let t = st.t ?? 0;
    let nIter = 0;
    let nonFinite = false;
    while (nIter < maxIter) {
      nIter++;
      st.nIter++;
      // the direction (kept in the state at once, so a throwing closure leaves it consistent)
      let d: WasmArray;
      if (st.nIter === 1) {
        d = alloc(this.dtype, this.n);
        ops.copy(flatGrad, d);
        ops.scal(-1, d);
        st.clearPairs();
        st.HDiag = 1;
      } else {
        st.update(flatGrad, st.d as WasmArray, t, historySize, ops, R);
        d = st.direction(flatGrad, ops, R);
      }
      st.d?.free();
      st.d = d;
      st.prevFlatGrad ??= alloc(this.dtype, this.n);
      ops.copy(flatGrad, st.prevFlatGrad);
      st.prevLoss = loss;

      // the step length
      if (st.nIter === 1) {
        let l1 = 0;
        for (const v of flatGrad.data) l1 += Math.abs(v);
        t = R(Math.min(1, 1 / R(l1)) * lr);
      } else {
        t = lr;
      }
      st.t = t;
      const gtd = ops.dot(flatGrad, d);
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      let optCond = false;
      if (lineSearchFn === 'strong_wolfe') {
        const xInit = this.gatherFlatParams();
        const dir = d;
        const evaluate = (step: number) => this.directionalEvaluate(closure, xInit, step, dir);
        const r = strongWolfe(evaluate, t, d, loss, flatGrad, gtd, this.wolfeOps);
        xInit.free();
        flatGrad.free();
        ({ f: loss, g: flatGrad, t, evals: lsFuncEvals } = r);
        st.t = t;
        this.addToParams(t, d);
        optCond = ops.maxAbs(flatGrad) <= toleranceGrad;
      } else {
        const xBefore = this.gatherFlatParams();
        this.addToParams(t, d);
        if (nIter !== maxIter) {
          // re-evaluate only when another iteration follows (torch: no use in a stochastic setting)
          const newLoss = Number(closure());
          const newGrad = this.gatherFlatGrad();
          if (!Number.isFinite(newLoss) || !Number.isFinite(ops.maxAbs(newGrad))) {
            this.setFlatParams(xBefore);
            newGrad.free();
            xBefore.free();
            st.funcEvals += 1;
            nonFinite = true;
            break;
          }
          flatGrad.free();
          flatGrad = newGrad;
          loss = newLoss;
          optCond = ops.maxAbs(flatGrad) <= toleranceGrad;
          lsFuncEvals = 1;
        }
        xBefore.free();
      }
      currentEvals += lsFuncEvals;
      st.funcEvals += lsFuncEvals;

      // the stopping tests
      if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
      if (R(Math.abs(t) * ops.maxAbs(d)) <= toleranceChange) break;
      if (Math.abs(loss - (st.prevLoss as number)) < toleranceChange) break;
    }
    st.t = t;
    flatGrad.free();
    if (nonFinite) {
      if (this.onNonFinite === 'skip') {
        this.skippedSteps++;
        return origLoss;
      }
      const err = new NonFiniteGradientError(this.params_[0].name, this.stepsTaken + 1);
      err.message = `Non-finite loss or gradient after a fixed LBFGS step (t = ${t}) in step ${this.stepsTaken + 1}; parameters put back at the last finite iterate (lower lr, or use lineSearchFn: 'strong_wolfe')`;
      throw err;
    }
    this.stepsTaken++;
    return origLoss;
  }

  private readonly wolfeOps: WolfeVectorOps<WasmArray> = {
    dot: (a, b) => this.ops.dot(a, b),
    maxAbs: (a) => this.ops.maxAbs(a),
    clone: (a) => {
      const c = alloc(a.dtype, a.length);
      this.ops.copy(a, c);
      return c;
    },
    free: (a) => a.free(),
  };

  /** f and the flat gradient at x + t d; the parameters are put back to x afterwards. */
  private directionalEvaluate(closure: () => number, x: WasmArray, t: number, d: WasmArray) {
    this.addToParams(t, d);
    const f = Number(closure());
    const g = this.gatherFlatGrad();
    this.setFlatParams(x);
    return { f: Number.isFinite(f) ? f : Number.POSITIVE_INFINITY, g };
  }

  /** A new array holding every gradient, concatenated in parameter order. */
  private gatherFlatGrad(): WasmArray {
    const flat = alloc(this.dtype, this.n);
    if (this.params_.length === 1) {
      this.ops.copy(this.params_[0].gradient, flat);
      return flat;
    }
    let off = 0;
    for (const p of this.params_) {
      flat.data.set(p.grad, off);
      off += p.length;
    }
    return flat;
  }

  private gatherFlatParams(): WasmArray {
    const flat = alloc(this.dtype, this.n);
    let off = 0;
    for (const p of this.params_) {
      flat.data.set(p.data, off);
      off += p.length;
    }
    return flat;
  }

  private setFlatParams(x: WasmArray): void {
    let off = 0;
    for (const p of this.params_) {
      p.data.set(x.data.subarray(off, off + p.length));
      off += p.length;
    }
  }

  /** params += t d (torch's _add_grad). */
  private addToParams(t: number, d: WasmArray): void {
    if (this.params_.length === 1) {
      this.ops.axpy(t, d, this.params_[0].value);
      return;
    }
    const R = this.dtype === 'f32' ? Math.fround : (v: number) => v;
    const tt = R(t);
    let off = 0;
    for (const p of this.params_) {
      const pd = p.data;
      const dd = d.data;
      for (let i = 0; i < pd.length; i++) pd[i] += R(tt * dd[off + i]);
      off += p.length;
    }
  }

  /** The groups, and the L-BFGS history as state[0] (torch keeps it on the first parameter). */
  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    if (this.history) sd.state[0] = this.history.toStateDict();
    return sd;
  }

  /** Restores groups and history; everything is checked first, and on an error nothing changes. */
  override loadStateDict(sd: OptimizerStateDict): void {
    const keys = sd && typeof sd.state === 'object' && sd.state ? Object.keys(sd.state) : [];
    if (keys.some((k) => k !== '0')) {
      throw new RangeError(
        `loadStateDict: LBFGS keeps its state on parameter 0, got state for ${keys.join(', ')}`,
      );
    }
    const s0 = sd?.state?.[0] as ParamStateDict | undefined;
    const parsed = s0 ? LbfgsHistory.checkStateDict(s0, this.dtype, this.n) : undefined;
    super.loadStateDict({ ...sd, state: {} });
    this.history?.free();
    this.history = parsed ? LbfgsHistory.fromStateDict(parsed, this.dtype, this.n) : undefined;
  }

  override resetState(): void {
    super.resetState();
    this.history?.free();
    this.history = undefined;
  }
}
