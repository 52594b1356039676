import { describe, expect, it } from 'vitest';
import {
  acceleratedRates,
  coordinateStaircase,
  flatMinima,
  noiseRace,
  pathPicture,
} from './notes-methods.js';

describe('notes: reducing noise', () => {
  const s = noiseRace();
  const final = (name: string) => s.rows.find((r) => r[0] === name)?.[4] as number;

  it('SGD stalls at a noise floor a thousand times above where SAGA and SVRG end', () => {
    const sgd = s.chart?.series.find((x) => x.name === 'SGD (batch 1)')?.values ?? [];
    const floor = 10 ** Math.min(...sgd.slice(-10)); // the lowest f - f* of SGD's last 10 passes
    expect(final('SAGA')).toBeLessThan(1e-9);
    // within the same 40 passes: SVRG's epochs cost five each
    expect(final('SVRG (m = 2n)')).toBeLessThan(1e-7);
    expect(floor).toBeGreaterThan(1000 * Math.max(final('SAGA'), final('SVRG (m = 2n)'), 1e-16));
    expect(final('growing batch 1.02^k')).toBeLessThan(floor / 10);
  });

  it('charts every method per pass on a log axis: 41 points for 40 passes', () => {
    expect(s.chart?.series.map((x) => x.values.length)).toEqual([41, 41, 41, 41]);
    expect(s.chart?.yLabel).toBe('log10(f - f*)');
  });
});

describe('notes: coordinate descent', () => {
  const s = coordinateStaircase();

  it('cyclic steps follow the closed form x ← -0.8 y, y ← -0.8 x (f shrinks by 0.64² a sweep)', () => {
    let [x, y] = [4, -3];
    const f = () => 0.5 * (x * x + 1.6 * x * y + y * y);
    let steps = 0;
    while (f() > 1e-8) {
      if (steps % 2 === 0) x = -0.8 * y;
      else y = -0.8 * x;
      steps++;
    }
    expect(s.rows[0]).toEqual(['coordinate descent, cyclic', steps, 1, steps]);
  });

  it('gradient descent at 1/L needs the steps of its closed form: f_k = 0.1 (7/√2)² (8/9)^{2k}', () => {
    // eigenvalues 1.8 (along (1, 1)) and 0.2 (along (1, -1)); one step 1/1.8 removes the first
    let k = 1;
    while (0.1 * (49 / 2) * (8 / 9) ** (2 * k) > 1e-8) k++;
    expect(s.rows[3]).toEqual(['gradient descent, eta = 1/L', k, 2, 2 * k]);
  });

  it('draws the staircase: start, minimum, horizontal and vertical moves', () => {
    const text = (s.picture ?? []).join('\n');
    for (const ch of ['S', '*', 'o', '-', '|']) expect(text).toContain(ch);
    expect(text).not.toContain('/'); // coordinate moves are axis-aligned
  });

  it('pathPicture puts each point where its coordinates say', () => {
    const pic = pathPicture(
      () => 0,
      [
        [1, 0],
        [-1, 0],
      ],
      { x: [-1, 1], y: [-1, 1] },
      { cols: 5, rows: 3 },
    );
    expect(pic).toEqual(['', '  o-*-S', '']);
  });
});

describe('notes: accelerated gradient', () => {
  const s = acceleratedRates();

  it('stays under both bounds at every horizon', () => {
    for (const [, agd, agdBound, gd, gdBound] of s.rows as number[][]) {
      expect(agd).toBeLessThanOrEqual(agdBound);
      expect(gd).toBeLessThanOrEqual(gdBound);
    }
  });

  it('falls two decades per decade of T with acceleration, one without', () => {
    const slopes = /falls ([\d.]+) decades with momentum \(t-1\)\/\(t\+2\), ([\d.]+) without/.exec(
      s.explanation,
    );
    expect(Number(slopes?.[1])).toBeCloseTo(2, 1);
    expect(Number(slopes?.[2])).toBeCloseTo(1, 1);
  });
});

describe('notes: flat minima', () => {
  const s = flatMinima();
  const row = (name: string) => s.rows.find((r) => String(r[0]).startsWith(name)) as number[];

  it('stops every optimizer at the same training loss', () => {
    for (const r of s.rows) {
      expect(r[2] as number).toBeLessThan(0.05);
      expect(r[2] as number).toBeGreaterThan(0.03);
    }
  });

  it('small batches reach a smaller trace than full-batch GD, SAM a smaller lambda_max', () => {
    expect(row('SGD, batch 16')[4]).toBeLessThan(row('GD (full batch)')[4]);
    expect(row('GD + SAM')[3]).toBeLessThan(row('GD (full batch)')[3]);
  });
});
