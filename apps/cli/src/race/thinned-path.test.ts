import { describe, expect, it } from 'vitest';
import { ThinnedPath } from './thinned-path.js';

function run(n: number, capacity: number): ThinnedPath {
  const p = new ThinnedPath(capacity);
  const x = new Float64Array(1);
  for (let k = 0; k <= n; k++) {
    x[0] = 10 * k;
    p.offer(k, k * k, x);
  }
  x[0] = 10 * n;
  p.finish(n, n * n, x);
  return p;
}

describe('ThinnedPath', () => {
  it('keeps every step of a run no longer than its capacity', () => {
    const p = run(9, 10); // steps 0..9: ten samples
    expect(p.steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p.stride).toBe(1);
    expect(p.f).toEqual(p.steps.map((k) => k * k));
    expect(p.x.map((v) => v[0])).toEqual(p.steps.map((k) => 10 * k));
  });

  it('keeps the multiples of the smallest power-of-two stride that fits, and the last step', () => {
    // 100 steps, capacity 10: stride 16 leaves 0, 16, ..., 96 (7 samples; stride 8 would leave 13)
    const p = run(100, 10);
    expect(p.stride).toBe(16);
    expect(p.steps).toEqual([0, 16, 32, 48, 64, 80, 96, 100]);
    expect(p.f).toEqual(p.steps.map((k) => k * k));
    expect(p.x.map((v) => v[0])).toEqual(p.steps.map((k) => 10 * k));
  });

  it('holds at most capacity + 2 samples however long the run', () => {
    for (const n of [1000, 4097, 65_536, 200_000]) {
      const p = run(n, 64);
      expect(p.steps.length, String(n)).toBeLessThanOrEqual(66);
      expect(p.steps[0]).toBe(0);
      expect(p.steps[p.steps.length - 1]).toBe(n);
    }
  });
});

describe('ThinnedPath keeps the extrema that thinning would hide', () => {
  /** f_k = (-1)^k (a zigzag that never settles) plus a slow drift: its envelope is ±1. */
  function zigzag(n: number, capacity: number): ThinnedPath {
    const p = new ThinnedPath(capacity);
    const x = new Float64Array(1);
    for (let k = 0; k <= n; k++) p.offer(k, (k % 2 === 0 ? 1 : -1) - k * 1e-6, x);
    p.finish(n, (n % 2 === 0 ? 1 : -1) - n * 1e-6, x);
    return p;
  }

  it('keeps the troughs of a zigzag whose stride samples are all peaks', () => {
    const p = zigzag(10_000, 64);
    expect(p.stride).toBeGreaterThan(1); // every stride sample (even k) is a peak near +1
    // the naive reference: the lowest f over every run of s consecutive steps is near -1
    const troughs = p.f.filter((f) => f < 0);
    expect(troughs.length).toBeGreaterThanOrEqual(p.steps.filter((k) => k % p.stride === 0).length - 2);
    expect(Math.min(...p.f)).toBeCloseTo(-1 - 9999e-6, 9);
  });

  it('stays within 3 capacity + 1 samples, steps increasing, first 0 and last n', () => {
    for (const n of [1000, 65_537]) {
      const p = zigzag(n, 64);
      expect(p.steps.length).toBeLessThanOrEqual(3 * 64 + 1);
      expect(p.steps[0]).toBe(0);
      expect(p.steps[p.steps.length - 1]).toBe(n);
      for (let i = 1; i < p.steps.length; i++) expect(p.steps[i]).toBeGreaterThan(p.steps[i - 1]);
    }
  });
});
