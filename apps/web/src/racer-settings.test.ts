import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { runRace } from './race.js';
import { heavyBallLimit, optimizerOptions, racerParameters } from './racer-settings.js';

const quadratic = getProblem('ill-conditioned'); // L = 4

describe("each racer's own settings", () => {
  it('starts every slider at the default it stands for', () => {
    expect(racerParameters.momentum[0].value).toBe(0.9);
    expect(racerParameters.adam.map((p) => p.value)).toEqual([0.9, 0.999]);
    expect(racerParameters.rmsprop[0].value).toBe(0.99);
  });

  it('turns the sliders into the options of the optimizer class', () => {
    expect(optimizerOptions('momentum', { beta: 0.5 })).toEqual({ momentum: 0.5 });
    expect(optimizerOptions('adam', { beta1: 0.8, beta2: 0.99 })).toEqual({ betas: [0.8, 0.99] });
    expect(optimizerOptions('rmsprop', { alpha: 0.9 })).toEqual({ alpha: 0.9 });
    expect(optimizerOptions('gd', {})).toBeUndefined();
  });

  it('places the heavy-ball limit 2(1 + β)/L where the race starts to diverge', () => {
    // β = 0.5 on L = 4: the limit is 0.75; just below converges, just above does not
    const limit = heavyBallLimit(4, 0.5);
    expect(limit).toBe(0.75);
    const [below, above] = runRace(
      quadratic,
      quadratic.x0,
      [0.74, 0.76].map((lr) => ({ method: 'momentum', lr, options: { momentum: 0.5 } })),
      { maxIter: 5000 },
    );
    expect(below.stepsToTolerance).not.toBeNull();
    expect(above.stepsToTolerance).toBeNull();
    expect(Math.abs(above.path.at(-1)![1])).toBeGreaterThan(1);
  });
});
