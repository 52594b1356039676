import { describe, expect, it } from 'vitest';
import { AveragedParams } from './averaging.js';
import { param } from './param.js';

/** Feeds iterates x_1..x_n (x_k = [k, k², -1/k]) through update() and returns the averager. */
function feed(n: number, options: ConstructorParameters<typeof AveragedParams>[1]) {
  const w = param(new Float64Array(3));
  const avg = new AveragedParams([w], options);
  for (let k = 1; k <= n; k++) {
    w.data.set([k, k * k, -1 / k]);
    avg.update();
  }
  return { w, avg };
}

describe('AveragedParams', () => {
  it('swa: is the arithmetic mean of the iterates (closed form sums)', () => {
    const n = 25;
    const { avg } = feed(n, { strategy: 'swa' });
    let harmonic = 0;
    for (let k = 1; k <= n; k++) harmonic += 1 / k;
    const want = [(n + 1) / 2, ((n + 1) * (2 * n + 1)) / 6, -harmonic / n];
    avg.average(0).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 11);
    });
    expect(avg.nAveraged).toBe(n);
  });

  it('ema: equals β^{n-1} x_1 + (1-β) Σ_{k≥2} β^{n-k} x_k (the first update copies, as torch)', () => {
    const n = 30;
    const beta = 0.9;
    const { avg } = feed(n, { strategy: 'ema', decay: beta });
    const x = (k: number) => [k, k * k, -1 / k];
    const want = x(1).map((v) => beta ** (n - 1) * v);
    for (let k = 2; k <= n; k++) {
      x(k).forEach((v, i) => {
        want[i] += (1 - beta) * beta ** (n - k) * v;
      });
    }
    avg.average(0).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 10);
    });
  });

  it('swap() exchanges parameters and averages, and swapping twice restores both', () => {
    const { w, avg } = feed(4, {});
    const current = Array.from(w.data);
    const mean = Array.from(avg.average(0));
    avg.swap();
    expect(Array.from(w.data)).toEqual(mean);
    avg.swap();
    expect(Array.from(w.data)).toEqual(current);
    avg.copyToParams();
    expect(Array.from(w.data)).toEqual(mean);
  });

  it('resumes exactly from a stateDict', () => {
    const a = feed(10, { strategy: 'swa' });
    const w = param(new Float64Array(3));
    const b = new AveragedParams([w]);
    const half = feed(5, { strategy: 'swa' });
    b.loadStateDict(structuredClone(half.avg.stateDict()));
    for (let k = 6; k <= 10; k++) {
      w.data.set([k, k * k, -1 / k]);
      b.update();
    }
    expect(Array.from(b.average(0))).toEqual(Array.from(a.avg.average(0)));
    expect(() => b.loadStateDict({ nAveraged: 1, averages: [new Float32Array(3)] })).toThrow(
      /does not match/,
    );
  });

  it('rejects a decay outside [0, 1] and an unknown strategy', () => {
    const w = param(new Float64Array(1));
    expect(() => new AveragedParams(w, { strategy: 'ema', decay: 1.5 })).toThrow('Invalid decay value: 1.5');
    expect(() => new AveragedParams(w, { strategy: 'mean' as never })).toThrow(
      /Invalid strategy value: mean/,
    );
  });
});
