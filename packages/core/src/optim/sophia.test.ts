import type { FloatArray } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Sophia, sophiaProbeSign } from './sophia.js';
import {
  caseParams,
  describeOptimizerConformance,
  expectClose,
  fillGradients,
  loadOptimFixture,
  paramsInput,
} from './test-support/conformance.js';

const fixture = loadOptimFixture('past-torch/sophia.json');

describeOptimizerConformance({
  optimizer: 'Sophia',
  fixture,
  create: (params, options) => new Sophia(params as never, options),
  defaults: { lr: 1e-3, betas: [0.9, 0.99], gamma: 10, weightDecay: 1e-2, maximize: false, seed: 0 },
  invalid: [
    { options: { lr: -1 }, message: 'Invalid learning rate: -1' },
    { options: { betas: [0.9, 1] }, message: 'Invalid beta parameter at index 1: 1' },
    { options: { gamma: -1 }, message: 'Invalid gamma value: -1' },
    { options: { weightDecay: -1 }, message: 'Invalid weightDecay value: -1' },
    { options: { seed: -1 }, message: 'Invalid seed value: -1 (expected an integer in [0, 2^32))' },
  ],
});

/** The coupled-log Hessian times v (past_torch.coupled_log_hvp), per parameter. */
function coupledLogHvp(x: ArrayLike<number>, v: ArrayLike<number>, C = 0.5): number[] {
  const n = x.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const q = 1.0 + xi * xi;
    let hii = (2.0 * (1.0 - xi * xi)) / (q * q);
    if (i + 1 < n) hii = hii + C * (8.0 * xi * xi - 4.0 * (x[i + 1] - xi * xi));
    if (i > 0) hii = hii + 2.0 * C;
    let hv = hii * v[i];
    if (i + 1 < n) hv = hv + -4.0 * C * xi * v[i + 1];
    if (i > 0) hv = hv + -4.0 * C * x[i - 1] * v[i - 1];
    out.push(hv);
  }
  return out;
}

const hvpOf = (params: Param[]) => (probes: FloatArray[]) =>
  params.map((p, j) => coupledLogHvp(p.data, probes[j]));

describe('Sophia with Hutchinson Hessian updates', () => {
  const cases = fixture.cases.filter((c) => c.optimizer === 'SophiaHessian');
  it.each(
    cases.flatMap((c) =>
      (['fused', 'reference'] as const).map((impl) => [`${c.name} (${c.dtype})`, impl, c] as const),
    ),
  )(
    'matches the reference with updateHessian before every odd step: %s through the %s path',
    (_l, impl, c) => {
      const groups = caseParams(c);
      const params = groups.flat();
      const opt = new Sophia(paramsInput(c, groups) as never, { ...c.options, impl });
      for (let k = 1; k <= c.steps; k++) {
        fillGradients(params);
        if (k % 2 === 1) opt.updateHessian(hvpOf(params));
        opt.step();
        const r = c.record.indexOf(k);
        if (r >= 0) {
          params.forEach((p, j) => {
            expectClose(p.data, c.trajectory[r][j], c.dtype === 'f64' ? 1e-10 : 1e-5, `step ${k} ${p.name}`);
          });
        }
      }
    },
  );

  it('resumes the probe sequence exactly from a state dict', () => {
    const c = cases.find((x) => x.dtype === 'f64')!;
    const run = (stopAt: number | null) => {
      const params = caseParams(c).flat();
      let opt = new Sophia(params, c.options as never);
      for (let k = 1; k <= 20; k++) {
        if (k === stopAt) {
          const sd = opt.stateDict();
          opt = new Sophia(params, c.options as never);
          opt.loadStateDict(sd);
        }
        fillGradients(params);
        if (k % 2 === 1) opt.updateHessian(hvpOf(params));
        opt.step();
      }
      return params.map((p) => Array.from(p.data));
    };
    expect(run(8)).toEqual(run(null));
  });

  it('draws balanced ±1 probes that differ between updates and parameters', () => {
    let sum = 0;
    for (let i = 0; i < 10000; i++) sum += sophiaProbeSign(0, 0, 0, i);
    expect(Math.abs(sum)).toBeLessThan(300);
    const a = Array.from({ length: 64 }, (_, i) => sophiaProbeSign(0, 0, 0, i));
    const b = Array.from({ length: 64 }, (_, i) => sophiaProbeSign(0, 1, 0, i));
    const c = Array.from({ length: 64 }, (_, i) => sophiaProbeSign(0, 0, 1, i));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('estimates the diagonal of a Hessian: h → diag(H) for a diagonal H with β2 = 0', () => {
    const w = param(new Float64Array(5));
    const diag = [1, 2, 3, 4, 5];
    const opt = new Sophia([w], { betas: [0.9, 0] });
    opt.updateHessian(([u]) => [Array.from(u, (x, i) => diag[i] * x)]);
    expect(Array.from(opt.stateDict().state[0].hessian as Float64Array)).toEqual(diag);
  });

  it('rejects a wrong or non-finite Hessian-vector product, changing nothing', () => {
    const w = param(new Float64Array(3));
    const opt = new Sophia([w]);
    expect(() => opt.updateHessian(() => [[1, 2]])).toThrow(
      /product 0 .* has length 2, expected 3; nothing was changed/,
    );
    expect(() => opt.updateHessian(() => [[1, Number.NaN, 2]])).toThrow(/not finite at 1 \(NaN\)/);
    expect(() => opt.updateHessian(() => [])).toThrow(/returned 0 products, expected 1/);
    expect(opt.state.size).toBe(0);
  });

  it('clips each coordinate to at most lr/(1 - β1^t) per step where the curvature is small', () => {
    const w = param(new Float64Array([0, 0]));
    const opt = new Sophia([w], { lr: 0.1, weightDecay: 0, gamma: 1, betas: [0.5, 0] });
    opt.updateHessian(([u]) => [Array.from(u, (x, i) => [1e-6, 1e6][i] * x)]);
    w.grad.set([1, 1]);
    opt.step();
    // m = 0.5, step lr/(1 - 0.5) = 0.2: flat coordinate clipped to the full step, stiff one tiny
    expect(w.data[0]).toBeCloseTo(-0.2, 12);
    expect(w.data[1]).toBeCloseTo(-0.2 * (0.5 / 1e6), 12);
  });
});
