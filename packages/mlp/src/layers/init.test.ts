import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { Dense } from './dense.js';
import { type InitScheme, initDense } from './init.js';

/** mean and variance of an array */
function moments(a: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let m = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    m += a[i] / a.length;
    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  }
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) ** 2 / a.length;
  return { mean: m, variance: v, maxAbs };
}

const fanIn = 200;
const fanOut = 300;
// torch.nn.init's variances: U(-a, a) has variance a²/3
const table: Array<{ scheme: InitScheme; variance: number; bound?: number; biasBound: number }> = [
  {
    scheme: 'xavierUniform',
    variance: 2 / (fanIn + fanOut),
    bound: Math.sqrt(6 / (fanIn + fanOut)),
    biasBound: 0,
  },
  { scheme: 'xavierNormal', variance: 2 / (fanIn + fanOut), biasBound: 0 },
  { scheme: 'heUniform', variance: 2 / fanIn, bound: Math.sqrt(6 / fanIn), biasBound: 0 },
  { scheme: 'heNormal', variance: 2 / fanIn, biasBound: 0 },
  {
    scheme: 'torch',
    variance: 1 / (3 * fanIn),
    bound: 1 / Math.sqrt(fanIn),
    biasBound: 1 / Math.sqrt(fanIn),
  },
];

describe('initialization has torch.nn.init statistics', () => {
  it.each(table)(
    '$scheme: weight variance within 3% of the formula, mean near 0',
    ({ scheme, variance, bound, biasBound }) => {
      const w = new Float64Array(fanIn * fanOut);
      const b = new Float64Array(fanOut);
      initDense(scheme, w, b, fanIn, fanOut, new Rng(42));
      const s = moments(w);
      // 60 000 draws: the sample variance's relative standard error is ~0.6% (normal) to ~0.5% (uniform)
      expect(Math.abs(s.variance / variance - 1)).toBeLessThan(0.03);
      expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(variance / w.length));
      if (bound !== undefined) expect(s.maxAbs).toBeLessThanOrEqual(bound);
      const sb = moments(b);
      if (biasBound === 0) expect(sb.maxAbs).toBe(0);
      else {
        expect(sb.maxAbs).toBeLessThanOrEqual(biasBound);
        expect(Math.abs(sb.variance / (biasBound ** 2 / 3) - 1)).toBeLessThan(0.25);
      }
    },
  );

  it('accepts the Glorot and Kaiming names for the same schemes', () => {
    const a = new Float64Array(50);
    const b = new Float64Array(50);
    initDense('kaimingNormal', a, undefined, 10, 5, new Rng(1));
    initDense('heNormal', b, undefined, 10, 5, new Rng(1));
    expect(a).toEqual(b);
    initDense('glorotUniform', a, undefined, 10, 5, new Rng(1));
    initDense('xavierUniform', b, undefined, 10, 5, new Rng(1));
    expect(a).toEqual(b);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const w = (seed: number) => new Dense(8, 4, { seed }).weight.data.slice();
    expect(w(3)).toEqual(w(3));
    expect(w(3)).not.toEqual(w(4));
  });
});
