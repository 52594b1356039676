/**
 * Default rates and --tune. References: torch 1.13's own defaults (test/fixtures/torch-default-lr.json,
 * made by test/fixtures/torch-default-lr.py), and for gradient descent on a quadratic ½ Σ λ_i x_i²
 * the closed-form best constant rate 2 / (λ_min + λ_max) (best in the worst case over starts, with
 * contraction (κ-1)/(κ+1) per step): the search must find a rate about as fast from this start.
 */
import { readFileSync } from 'node:fs';
import { defineProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { descentInProcess } from '../test-support/descent.js';
import { automaticLr, defaultLr } from './optimizers.js';
import { runTrajectory } from './trajectory.js';
import { candidateRates, tuneLr } from './tune.js';

const torch = JSON.parse(
  readFileSync(new URL('../../test/fixtures/torch-default-lr.json', import.meta.url), 'utf8'),
) as { lr: Record<string, number> };

// f = ½ (x² + 25 y²): λ = 1, 25; f* = 0
const quadratic = defineProblem({
  name: 'quadratic',
  dim: 2,
  f: (x) => 0.5 * (x[0] ** 2 + 25 * x[1] ** 2),
  grad: (x, g) => {
    g[0] = x[0];
    g[1] = 25 * x[1];
    return g;
  },
  x0: Float64Array.from([1, 1]),
  minima: [{ x: [0, 0], f: 0 }],
  domain: [
    [-2, 2],
    [-2, 2],
  ],
});
const spec = { steps: 2000, gtol: 1e-12, tol: 1e-10 };

describe('each first-order method starts from its own default rate', () => {
  it.each(Object.entries(torch.lr))('%s starts at torch 1.13’s default lr %s', (name, lr) => {
    expect(defaultLr(name)).toBe(lr);
    expect(automaticLr(name, quadratic, quadratic.x0)).toBe(lr);
  });

  it('gd, sgd, momentum and nesterov (no torch default) take 1/λ_max', () => {
    for (const name of ['gd', 'sgd', 'momentum', 'nesterov'])
      expect(automaticLr(name, quadratic, quadratic.x0)).toBe(0.04);
  });
});

describe('--tune', () => {
  it('draws the same candidates for the same seed and others for another, the default first', () => {
    const a = candidateRates(1, 0);
    expect(candidateRates(1, 0)).toEqual(a);
    expect(candidateRates(1, 1)).not.toEqual(a);
    expect(a[0]).toBe(1);
    expect(Math.min(...a.slice(1))).toBeGreaterThanOrEqual(1e-3);
    expect(Math.max(...a.slice(1))).toBeLessThanOrEqual(100);
  });

  it('gets gd on ½(x² + 25y²) to tol in at most 1.6× the steps of the worst-case best rate 2/(λmin+λmax)', () => {
    const tuned = tuneLr(quadratic, quadratic.x0, { ...spec, optimizer: 'gd' }, 0);
    const best = runTrajectory(quadratic, quadratic.x0, { ...spec, optimizer: 'gd', lr: 2 / 26 });
    const chosen = runTrajectory(quadratic, quadratic.x0, { ...spec, optimizer: 'gd', lr: tuned?.lr });
    expect(best.stepsToTol).not.toBeNull();
    expect(chosen.stepsToTol).not.toBeNull();
    expect(chosen.stepsToTol as number).toBeLessThanOrEqual(1.6 * (best.stepsToTol as number));
  });

  it('never does worse than the default rate (Adadelta, whose default crawls here)', () => {
    const tuned = tuneLr(quadratic, quadratic.x0, { ...spec, optimizer: 'adadelta' }, 0);
    const atDefault = tuned?.tried[0];
    const chosen = tuned?.tried.find((t) => t.lr === tuned.lr);
    expect(atDefault?.lr).toBe(1);
    expect((chosen?.stepsToTol ?? Infinity) <= (atDefault?.stepsToTol ?? Infinity)).toBe(true);
    expect(chosen?.fun as number).toBeLessThanOrEqual(atDefault?.fun as number);
  });

  it('leaves line-search methods alone', () => {
    expect(tuneLr(quadratic, quadratic.x0, { ...spec, optimizer: 'lbfgs' }, 0)).toBeUndefined();
  });
});

describe('compare --tune and run --tune', () => {
  it('race each first-order method at the rate tuneLr picks for it, line searches as before', async () => {
    const { getProblem } = await import('@descent/core');
    const problem = getProblem('booth');
    const r = await descentInProcess([
      'compare',
      '--problem',
      'booth',
      '--optimizers',
      'adadelta,lbfgs',
      '--tune',
      '--steps',
      '300',
      '--seed',
      '2',
      '--json',
    ]);
    const out = JSON.parse(r.stdout) as {
      tuned: unknown;
      results: { optimizer: string; lr: number | null }[];
    };
    const expected = tuneLr(
      problem,
      problem.x0,
      { optimizer: 'adadelta', steps: 300, gtol: 1e-8, tol: 1e-6, options: {} },
      2,
    );
    expect(out.tuned).toEqual({ trials: 24, seed: 2 });
    expect(out.results.map((t) => t.lr)).toEqual([expected?.lr, null]);
    const one = await descentInProcess([
      'run',
      '--problem',
      'booth',
      '--optimizer',
      'adadelta',
      '--tune',
      '--steps',
      '300',
      '--seed',
      '2',
      '--json',
    ]);
    expect(JSON.parse(one.stdout).lr).toBe(expected?.lr);
  });

  it('refuse --tune beside --lr, and run --tune beside --schedule', async () => {
    const both = await descentInProcess(['compare', '--problem', 'booth', '--tune', '--lr', '0.1']);
    expect([both.code, both.stderr]).toEqual([
      2,
      'descent: Give either --lr or --tune, not both (--tune picks each optimizer’s rate)\n',
    ]);
    const scheduled = await descentInProcess(['run', '--problem', 'booth', '--tune', '--schedule', 'cosine']);
    expect(scheduled.code).toBe(2);
    expect(scheduled.stderr).toMatch(
      /--tune picks a constant rate; with --schedule give the base rate as --lr/,
    );
  });
});
