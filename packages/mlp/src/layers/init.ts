/**
 * Weight initialization for a Dense layer with weight [fanOut, fanIn], torch's formulas
 * (torch.nn.init), all drawn from a seeded `Rng`:
 *
 *   xavierUniform  W ~ U(-a, a),   a = √(6 / (fanIn + fanOut))          (Glorot & Bengio, 2010)
 *   xavierNormal   W ~ N(0, σ²),   σ = √(2 / (fanIn + fanOut))
 *   heUniform      W ~ U(-a, a),   a = √2 · √(3 / fanIn)  = √(6 / fanIn)  (He et al., 2015; ReLU gain √2)
 *   heNormal       W ~ N(0, σ²),   σ = √2 / √fanIn
 *   torch          torch.nn.Linear's default: kaiming_uniform(a = √5), i.e. W ~ U(±1/√fanIn),
 *                  and bias ~ U(±1/√fanIn)
 *
 * The named schemes set the bias to zero (torch.nn.init touches only the weight; Keras' Dense
 * zeroes its bias); `torch` draws it as nn.Linear does. `kaimingUniform` / `kaimingNormal` and
 * `glorotUniform` / `glorotNormal` are accepted as the other names of the same schemes.
 */
import type { FloatArray } from '@descent/kernels';
import type { Rng } from '../random.js';

export type InitScheme =
  | 'torch'
  | 'xavierUniform'
  | 'xavierNormal'
  | 'heUniform'
  | 'heNormal'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'kaimingUniform'
  | 'kaimingNormal';

const ALIASES: Record<InitScheme, InitScheme> = {
  torch: 'torch',
  xavierUniform: 'xavierUniform',
  xavierNormal: 'xavierNormal',
  heUniform: 'heUniform',
  heNormal: 'heNormal',
  glorotUniform: 'xavierUniform',
  glorotNormal: 'xavierNormal',
  kaimingUniform: 'heUniform',
  kaimingNormal: 'heNormal',
};

/** The canonical name of a scheme; a RangeError naming the option for anything else. */
export function checkInit(init: unknown): InitScheme {
  if (typeof init !== 'string' || !Object.hasOwn(ALIASES, init)) {
    throw new RangeError(
      `Invalid init: ${String(init)} (expected one of ${Object.keys(ALIASES).join(', ')})`,
    );
  }
  return ALIASES[init as InitScheme];
}

/** Fills `weight` ([fanOut, fanIn] row-major) and `bias` (fanOut) in place, weight first. */
export function initDense(
  scheme: InitScheme,
  weight: FloatArray,
  bias: FloatArray | undefined,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): void {
  const kind = checkInit(scheme);
  let uniformBound = 0;
  let normalStd = 0;
  if (kind === 'torch') uniformBound = 1 / Math.sqrt(fanIn);
  else if (kind === 'xavierUniform') uniformBound = Math.sqrt(6 / (fanIn + fanOut));
  else if (kind === 'xavierNormal') normalStd = Math.sqrt(2 / (fanIn + fanOut));
  else if (kind === 'heUniform') uniformBound = Math.sqrt(6 / fanIn);
  else normalStd = Math.SQRT2 / Math.sqrt(fanIn);
  for (let i = 0; i < weight.length; i++) {
    weight[i] = normalStd > 0 ? normalStd * rng.normal() : rng.uniform(-uniformBound, uniformBound);
  }
  if (!bias) return;
  const b = kind === 'torch' ? 1 / Math.sqrt(fanIn) : 0;
  for (let i = 0; i < bias.length; i++) bias[i] = b > 0 ? rng.uniform(-b, b) : 0;
}
