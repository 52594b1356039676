/**
 * Muon, MomentUm Orthogonalized by Newton-schulz (Jordan et al. 2024), as current PyTorch defines
 * it (torch.optim.Muon), for 2-D parameters (weight matrices of hidden layers):
 *
 *   g_t = ∇f(θ_{t-1})
 *   B_t = μ B_{t-1} + (1 - μ) g_t                       torch: buf.lerp_(grad, 1 - momentum)
 *   M_t = nesterov ? (1 - μ) g_t + μ B_t : B_t          torch: grad.lerp(buf, momentum)
 *   O_t = NS_k^{(a,b,c)}(M_t; ε)                        Newton-Schulz orthogonalization (newton-schulz.ts)
 *   θ_t = θ_{t-1} (1 - η λ) - η' O_t                     decoupled weight decay, then the step
 *   η'  = η √max(1, rows/cols)             adjustLrFn 'original' (Keller Jordan's, the default)
 *       = 0.2 η √max(rows, cols)           adjustLrFn 'match_rms_adamw' (Moonshot: reuse AdamW's lr, λ)
 *
 * Orthogonalizing the momentum equalizes its singular values, so every direction of the update
 * moves at the same rate. Only 2-D parameters: like torch, the constructor (and addParamGroup)
 * throws a RangeError for any other shape — optimize biases, gains and embeddings with AdamW.
 * Defaults are torch's: lr 1e-3, weightDecay 0.1, momentum 0.95, nesterov true, nsCoefficients
 * (3.4445, -4.7750, 2.0315), eps 1e-7, nsSteps 5, adjustLrFn null ('original'). Differences from
 * torch: Newton-Schulz runs in the parameter's dtype (torch: bfloat16); no `use_addmm` (gemm's
 * α/β already fuse the additions); no `maximize` (torch has none). torch 1.13 has no Muon: tests
 * use a transcription of current torch's algorithm.
 */
import { alloc, type FloatArray, fusedMuonApply, fusedMuonMomentum, type WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import { newtonSchulz, newtonSchulzReference } from './newton-schulz.js';
import {
  type BaseOptions,
  Optimizer,
  type OptimizerBehaviour,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
  type StateSpec,
} from './optimizer.js';
import { checkBoolean, checkLr, checkNonNegative } from './validate.js';

export interface MuonOptions extends BaseOptions {
  lr: number;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  nsCoefficients: [number, number, number];
  eps: number;
  nsSteps: number;
  adjustLrFn: 'original' | 'match_rms_adamw' | null;
}

const DEFAULTS: MuonOptions = {
  lr: 1e-3,
  weightDecay: 0.1,
  momentum: 0.95,
  nesterov: true,
  nsCoefficients: [3.4445, -4.775, 2.0315],
  eps: 1e-7,
  nsSteps: 5,
  adjustLrFn: null,
};

interface MuonState extends ParamState {
  momentumBuffer: WasmArray;
}

/** η' for a rows x cols parameter (torch's `_adjust_lr`). */
export function muonAdjustedLr(
  lr: number,
  adjustLrFn: MuonOptions['adjustLrFn'],
  rows: number,
  cols: number,
) {
  if (adjustLrFn === 'match_rms_adamw') return lr * 0.2 * Math.sqrt(Math.max(rows, cols));
  return lr * Math.sqrt(Math.max(1, rows / cols));
}

/** torch's lerp(a, b, w). */
function lerp(a: number, b: number, w: number): number {
  return Math.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);
}

/** One Muon step in plain TypeScript on a rows x cols parameter: updates `theta` and `buf` in place. */
export function muonReferenceStep(
  theta: FloatArray,
  grad: FloatArray,
  buf: FloatArray,
  [rows, cols]: readonly number[],
  o: Omit<MuonOptions, 'lr'> & { lr: number },
): void {
  const M = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    buf[i] = lerp(buf[i], grad[i], 1 - o.momentum);
    M[i] = o.nesterov ? lerp(grad[i], buf[i], o.momentum) : buf[i];
  }
  const O = newtonSchulzReference(M, rows, cols, {
    coefficients: o.nsCoefficients,
    steps: o.nsSteps,
    eps: o.eps,
  });
  const lr = muonAdjustedLr(o.lr, o.adjustLrFn, rows, cols);
  const decay = 1 - o.lr * o.weightDecay;
  for (let i = 0; i < theta.length; i++) theta[i] = theta[i] * decay - lr * O[i];
}

export class Muon extends Optimizer<MuonOptions> {
  readonly name = 'Muon';

  constructor(params: ParamsInput<MuonOptions>, options: Partial<MuonOptions> & OptimizerBehaviour = {}) {
    super('Muon', params, DEFAULTS, options);
  }

  protected validateGroup(o: MuonOptions): void {
    checkLr(o.lr);
    checkNonNegative('weightDecay', o.weightDecay);
    checkNonNegative('momentum', o.momentum);
    checkBoolean('nesterov', o.nesterov);
    const c = o.nsCoefficients;
    if (!Array.isArray(c) || c.length !== 3 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new RangeError(
        `Invalid nsCoefficients value: ${JSON.stringify(c)} (expected three numbers [a, b, c])`,
      );
    }
    checkNonNegative('eps', o.eps);
    if (!Number.isInteger(o.nsSteps) || o.nsSteps < 1 || o.nsSteps >= 100) {
      throw new RangeError(`Invalid nsSteps value: ${String(o.nsSteps)} (expected an integer from 1 to 99)`);
    }
    if (o.adjustLrFn !== null && o.adjustLrFn !== 'original' && o.adjustLrFn !== 'match_rms_adamw') {
      throw new RangeError(
        `Invalid adjustLrFn value: ${String(o.adjustLrFn)} (expected null, 'original' or 'match_rms_adamw')`,
      );
    }
    const params = (o as Partial<ParamGroup<MuonOptions>>).params;
    for (const p of params ?? []) {
      if (p.shape.length !== 2) {
        throw new RangeError(
          `Muon only supports 2-D parameters; ${p.name} has shape [${p.shape.join(', ')}] (use AdamW for it)`,
        );
      }
    }
  }

  protected override prepareState(p: Param): void {
    this.stateOf<MuonState>(p, () => ({ momentumBuffer: this.stateArray(p.dtype, p.length) }));
  }

  protected override stateSpec(_p: Param, _group: ParamGroup<MuonOptions>): StateSpec {
    return { momentumBuffer: { kind: 'array', required: true } };
  }

  protected updateGroup(group: ParamGroup<MuonOptions>): void {
    for (const p of group.params) {
      const st = this.state.get(p) as MuonState;
      if (this.impl === 'fused') this.fusedStep(p, st, group);
      else muonReferenceStep(p.data, p.grad, st.momentumBuffer.data, p.shape, group);
    }
  }

  private fusedStep(p: Param, st: MuonState, o: MuonOptions): void {
    const [rows, cols] = p.shape;
    const M = alloc(p.dtype, p.length);
    fusedMuonMomentum(p.gradient, st.momentumBuffer, M, o.momentum, o.nesterov);
    const O = newtonSchulz(
      { rows, cols, data: M },
      { coefficients: o.nsCoefficients, steps: o.nsSteps, eps: o.eps },
    );
    fusedMuonApply(p.value, O.data, 1 - o.lr * o.weightDecay, muonAdjustedLr(o.lr, o.adjustLrFn, rows, cols));
    M.free();
    O.data.free();
  }
}
