import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { runRace } from './race.js';
import type { Domain } from './surface.js';
import { TUNE_STEPS, tuneRates } from './tune.js';

const quadratic = getProblem('ill-conditioned');
const domain = quadratic.domain as Domain;

describe('tuning the learning rates', () => {
  it("picks gradient descent's rate near 2/(L + μ) = 0.476 on 0.1 x² + 2 y², the fastest fixed step", () => {
    const { gd } = tuneRates(quadratic, domain, quadratic.x0, [{ method: 'gd', lr: 0.1 }]);
    // candidates 0.1 · 2^(k/2): 0.4 and 0.566 bracket 0.476; 0.566 > 2/L = 0.5 diverges
    expect(gd).toBe(0.4);
  });

  it('keeps the candidate with the fewest steps to tolerance, as a brute-force loop over them finds', () => {
    const entry = { method: 'adam', lr: 0.5 };
    const { adam } = tuneRates(quadratic, domain, quadratic.x0, [entry]);
    const candidates = TUNE_STEPS.map((f) => Number((0.5 * f).toPrecision(3)));
    const steps = runRace(
      quadratic,
      quadratic.x0,
      candidates.map((lr) => ({ method: 'adam', lr })),
      { maxIter: 300 },
    ).map((r) => r.stepsToTolerance ?? Number.POSITIVE_INFINITY);
    expect(adam).toBe(candidates[steps.indexOf(Math.min(...steps))]);
  });

  it('leaves out the line-search methods, which take no rate', () => {
    expect(tuneRates(quadratic, domain, quadratic.x0, [{ method: 'newton' }, { method: 'lbfgs' }])).toEqual(
      {},
    );
  });

  it('tunes two copies of one method on their own, each under its id, as two separate tunings', () => {
    const a = { id: 'adam', method: 'adam', lr: 0.05 };
    const b = { id: 'adam#2', method: 'adam', lr: 0.5, options: { betas: [0.5, 0.999] } };
    const both = tuneRates(quadratic, domain, quadratic.x0, [a, b]);
    expect(both).toEqual({
      adam: tuneRates(quadratic, domain, quadratic.x0, [{ method: 'adam', lr: 0.05 }]).adam,
      'adam#2': tuneRates(quadratic, domain, quadratic.x0, [{ ...b, id: undefined }]).adam,
    });
  });
});
