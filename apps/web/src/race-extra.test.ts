/**
 * The newer optimizers on the page's race (issue 18): unticked by default, each runs by its
 * minimize() name at its listed rate on the ill-conditioned quadratic 0.1 x² + 2 y² (minimum 0 at
 * the origin) and either reaches the tolerance or reports the iteration limit with a finite loss
 * below the start's. Measured (500 steps, gtol 1e-5): all but AdEMAMix and SOAP reach it.
 */
import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { raceMethods, runRace } from './race.js';

const quadratic = getProblem('ill-conditioned');
const extras = raceMethods.filter((m) => m.extra);
const slow = new Set(['ademamix', 'soap']);

describe('the newer optimizers in the race', () => {
  it('lists each new optimizer once, with its own colour', () => {
    expect(extras.map((m) => m.method)).toEqual([
      'prodigy',
      'dadapt-adam',
      'adopt',
      'ademamix',
      'lamb',
      'lars',
      'adan',
      'shampoo',
      'soap',
      'adam8bit',
      'adamw8bit',
      'adam-bf16',
      'adamw-bf16',
      'schedule-free-sgd',
      'schedule-free-adamw',
      'sophia',
    ]);
    expect(new Set(raceMethods.map((m) => m.colour)).size).toBe(raceMethods.length);
  });

  const rows = runRace(
    quadratic,
    quadratic.x0,
    extras.map(({ method, lr }) => ({ method, lr })),
  );

  it.each(extras.map((m) => m.method))(
    '%s reaches the tolerance or says it stopped at the limit',
    (method) => {
      const r = rows.find((row) => row.method === method)!;
      expect(r.error).toBeUndefined();
      expect(r.losses).toEqual(r.path.map((x) => quadratic.f(x)));
      expect(r.finalLoss).toBeLessThan(quadratic.f(quadratic.x0));
      if (slow.has(method)) {
        expect([r.stepsToTolerance, r.iterations, r.message]).toEqual([
          null,
          500,
          'Maximum number of iterations reached',
        ]);
      } else {
        expect(r.stepsToTolerance).toBe(r.iterations);
        expect(r.finalGradNorm).toBeLessThanOrEqual(1e-5);
      }
    },
  );
});
