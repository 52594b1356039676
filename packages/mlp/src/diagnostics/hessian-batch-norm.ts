/**
 * The R-operator through BatchNorm1d in eval mode, where it is the per-feature affine map
 *
 *   y_ij = γ_j x̂_ij + β_j,   x̂_ij = (x_ij - μ_j) / s_j,   s_j = √(σ²_run,j + ε)
 *
 * with the running statistics μ, σ²_run fixed. With direction (v_γ, v_β) and g = ∂L/∂y:
 *
 *   R{y}      = (γ / s) ⊙ R{x} + v_γ ⊙ x̂ + v_β
 *   (H v)_γ  += Σ_i (R{g}_ij x̂_ij + g_ij R{x}_ij / s_j)        (H v)_β += Σ_i R{g}_ij
 *   R{∂L/∂x}  = (γ / s) ⊙ R{g} + (v_γ / s) ⊙ g
 *
 * (`affine: false`: γ = 1 and no v_γ, v_β.) Element-wise loops: B x F is small next to the gemms
 * around it.
 */
import type { WasmMatrix } from '@descent/kernels';
import type { BatchNorm1d } from '../layers/batch-norm.js';
import type { BatchBuffers } from '../layers/layer.js';
import type { RStep } from './hessian.js';

/** Per-feature γ_j / s_j, 1 / s_j and μ_j (f64). */
function affine(layer: BatchNorm1d) {
  const F = layer.inFeatures;
  const gamma = new Float64Array(F);
  const invS = new Float64Array(F);
  const mu = Float64Array.from(layer.runningMean.data);
  const rv = layer.runningVar.data;
  const w = layer.weight?.data;
  for (let j = 0; j < F; j++) {
    invS[j] = 1 / Math.sqrt(rv[j] + layer.eps);
    gamma[j] = (w ? w[j] : 1) * invS[j];
  }
  return { gammaOverS: gamma, invS, mu };
}

export function batchNormRForward(
  layer: BatchNorm1d,
  x: WasmMatrix,
  Rin: WasmMatrix | undefined,
  dir: RStep['dir'],
  buffers: BatchBuffers,
): WasmMatrix | undefined {
  if (!Rin && !layer.weight) return undefined;
  const out = buffers.get(x.rows);
  const { gammaOverS, invS, mu } = affine(layer);
  const F = layer.inFeatures;
  const [xv, o] = [x.data.data, out.data.data];
  const r = Rin?.data.data;
  const vg = layer.weight ? dir[0].data : undefined;
  const vb = layer.bias ? dir[1].data : undefined;
  for (let i = 0; i < o.length; i++) {
    const j = i % F;
    let v = r ? gammaOverS[j] * r[i] : 0;
    if (vg) v += vg[j] * (xv[i] - mu[j]) * invS[j];
    if (vb) v += vb[j];
    o[i] = v;
  }
  return out;
}

export function batchNormRBackward(
  layer: BatchNorm1d,
  x: WasmMatrix,
  Rin: WasmMatrix | undefined,
  g: WasmMatrix,
  Rg: WasmMatrix,
  step: RStep,
  needInput: boolean,
): WasmMatrix {
  const out = needInput ? step.Rg.get(x.rows) : undefined;
  const { gammaOverS, invS, mu } = affine(layer);
  const F = layer.inFeatures;
  const [xv, gv, rg] = [x.data.data, g.data.data, Rg.data.data];
  const r = Rin?.data.data;
  if (layer.weight) {
    const [hvg, hvb] = [step.hv[0].data, step.hv[1].data];
    for (let i = 0; i < rg.length; i++) {
      const j = i % F;
      hvg[j] += rg[i] * (xv[i] - mu[j]) * invS[j] + (r ? gv[i] * r[i] * invS[j] : 0);
      hvb[j] += rg[i];
    }
  }
  if (!out) return Rg;
  const o = out.data.data;
  const vg = layer.weight ? step.dir[0].data : undefined;
  for (let i = 0; i < o.length; i++) {
    const j = i % F;
    o[i] = gammaOverS[j] * rg[i] + (vg ? vg[j] * invS[j] * gv[i] : 0);
  }
  return out;
}
