import { describe, expect, it } from 'vitest';
import { noiseRace } from './noise-race.js';

describe('noiseRace (the notes: reducing noise)', () => {
  const race = noiseRace({ lr: 1, passes: 40 });
  const run = (name: string) => race.runs.find((r) => r.name === name)!;

  it('SAGA and SVRG fall linearly to rounding while SGD stays on a noise floor 1000 times higher', () => {
    const floor = Math.min(...run('SGD (batch 1)').gaps.slice(-10));
    expect(floor).toBeGreaterThan(1e-6);
    for (const name of ['SAGA', 'SVRG (m = 2n)']) expect(run(name).gaps.at(-1)).toBeLessThan(floor / 1000);
  });

  it('SVRG ends below SGD, and the growing batch below SGD too', () => {
    expect(run('SVRG (m = 2n)').gaps.at(-1)).toBeLessThan(run('SGD (batch 1)').gaps.at(-1)!);
    expect(run('growing batch 1.02^k').gaps.at(-1)).toBeLessThan(run('SGD (batch 1)').gaps.at(-1)!);
  });

  it('counts passes as component gradients / n: SGD one per epoch, SAGA one more for its table, SVRG five', () => {
    expect(race.n).toBe(100);
    expect(run('SGD (batch 1)').passes.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(run('SAGA').passes[0]).toBe(1);
    // an SVRG epoch: the snapshot's full gradient (n) and 2n steps of two component gradients
    expect(run('SVRG (m = 2n)').passes.slice(0, 3)).toEqual([0, 5, 10]);
    for (const r of race.runs) expect(r.passes.length).toBe(r.gaps.length);
  });

  it('stops every run within the same budget of 40 passes', () => {
    for (const r of race.runs) {
      expect(Math.max(...r.passes), r.name).toBeLessThanOrEqual(40);
      expect(Math.max(...r.passes), r.name).toBeGreaterThan(35);
    }
  });

  it('starts every run at the same f(θ₀) − f*, with f* the minimum (no run goes below it)', () => {
    const starts = race.runs.map((r) => r.gaps[0]);
    for (const s of starts) expect(s).toBeCloseTo(starts[0], 12);
    for (const r of race.runs) expect(Math.min(...r.gaps)).toBeGreaterThan(-1e-12);
  });

  it('refuses a step that is not a positive number, and budgets out of range', () => {
    expect(() => noiseRace({ lr: 0 })).toThrow(/Invalid lr: 0/);
    expect(() => noiseRace({ lr: Number.NaN })).toThrow(/Invalid lr: NaN/);
    expect(() => noiseRace({ passes: 0 })).toThrow(/Invalid passes: 0/);
    expect(() => noiseRace({ passes: 2.5 })).toThrow(/Invalid passes: 2.5/);
  });
});
