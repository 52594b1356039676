import { describe, expect, it } from 'vitest';
import { sharpnessComparison, sharpnessComparisonTarget } from './flat-minima-experiment.js';

describe('sharpness of the minimum each optimizer found', () => {
  const rows = sharpnessComparison();
  const row = (name: string) => rows.find((r) => r.name.startsWith(name))!;

  it('stops every optimizer at the same training loss', () => {
    for (const r of rows) {
      expect(r.reached, r.name).toBe(true);
      expect(r.loss).toBeLessThan(sharpnessComparisonTarget);
    }
  });

  it("SAM's minimum is flatter than full-batch GD's (λ_max), and small batches' flatter than GD's (trace)", () => {
    expect(row('GD + SAM').lambdaMax).toBeLessThan(row('GD (full').lambdaMax);
    expect(row('SGD').trace).toBeLessThan(row('GD (full').trace);
  });

  it('has λ_max <= trace (a positive semi-definite Hessian at a minimum: the largest of non-negative eigenvalues)', () => {
    for (const r of rows) {
      expect(r.lambdaMax).toBeGreaterThan(0);
      expect(r.lambdaMax).toBeLessThanOrEqual(r.trace);
    }
  });
});
