import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { runRace } from './race.js';
import { cutAtBox, grownBox, traceOf } from './race-trace.js';
import type { Domain } from './surface.js';

const quadratic = getProblem('ill-conditioned'); // 0.1 x² + 2 y² from (10, 1) on [−12, 12] × [−3, 3]
const domain = quadratic.domain as Domain;

describe('what the race draws of a run', () => {
  it('says SGD at lr 0.55 > 2/L diverged at step 14, where |(1 − 0.55·4)^k| first exceeds 12', () => {
    // y_k = (1 − ηL)^k y_0 = (−1.2)^k: the grown box ends at |y| = 12, and 1.2^13 < 12 < 1.2^14
    const [row] = runRace(quadratic, quadratic.x0, [{ method: 'gd', lr: 0.55 }]);
    const trace = traceOf(row, domain);
    expect(trace.divergedAt).toBe(14);
    expect(trace.leftAt).toBeNull();
    expect(Array.from(trace.pathSteps)).toEqual(Array.from({ length: 15 }, (_, k) => k));
    // the last point is where x_13 -> x_14 crosses y = 12, on the line between them
    const [x, y] = trace.path.slice(-2);
    expect(y).toBeCloseTo(12, 12);
    const [x13, y13] = row.path[13];
    const [x14, y14] = row.path[14];
    expect(x).toBeCloseTo(x13 + ((12 - y13) / (y14 - y13)) * (x14 - x13), 12);
    // the loss curve stops at the divergence
    expect(trace.curveSteps.at(-1)).toBe(14);
    expect(trace.curve.at(-1)).toBe(row.losses[14]);
  });

  it('keeps a converging path whole and thins it to the point budget, first and last kept', () => {
    const [row] = runRace(quadratic, quadratic.x0, [{ method: 'gd', lr: 0.01 }], { maxIter: 5000 });
    const trace = traceOf(row, domain, 100);
    expect(trace.divergedAt).toBeNull();
    expect(trace.pathSteps).toHaveLength(100);
    expect(trace.pathSteps[0]).toBe(0);
    expect(trace.pathSteps.at(-1)).toBe(5000);
    expect(Array.from(trace.path.slice(-2))).toEqual(Array.from(row.path[5000]));
    expect(trace.curve.at(-1)).toBe(row.losses[5000]);
  });

  it('calls a run that leaves the box while f falls (the saddle x² − y²) an escape, not a divergence', () => {
    const saddle = getProblem('saddle');
    const [row] = runRace(saddle, [0.5, 0.1], [{ method: 'gd', lr: 0.3 }], { maxIter: 200 });
    const trace = traceOf(row, saddle.domain as Domain);
    expect(trace.divergedAt).toBeNull();
    expect(trace.leftAt).toBeGreaterThan(0);
  });

  it('calls a non-finite loss a divergence at its step and drops the point', () => {
    const path = [
      [0, 0],
      [1, 1],
      [Number.NaN, Number.NaN],
    ].map((p) => Float64Array.from(p));
    const trace = traceOf({ path, losses: [0, 2, Number.NaN] }, domain);
    expect(trace.divergedAt).toBe(2);
    expect(Array.from(trace.path)).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('grows a box about its centre and cuts a segment where it leaves it', () => {
    expect(
      grownBox(
        [
          [0, 2],
          [-1, 1],
        ],
        3,
      ),
    ).toEqual([
      [-2, 4],
      [-3, 3],
    ]);
    expect(
      cutAtBox(
        [0, 0],
        [4, 1],
        [
          [-2, 2],
          [-2, 2],
        ],
      ),
    ).toEqual([2, 0.5]);
    expect(
      cutAtBox(
        [0, 0],
        [-1, -8],
        [
          [-2, 2],
          [-2, 2],
        ],
      ),
    ).toEqual([-0.25, -2]);
  });
});
