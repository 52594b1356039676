import { describe, expect, it } from 'vitest';
import { SGD } from './optim/sgd.js';
import { param } from './param.js';
import { type ConvexSet, project } from './projections.js';

function seeded(n: number, seed: number, scale = 3): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return scale * (s / 2 ** 32 - 0.5) * 2;
  });
}

function dist2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Is y in the set (up to rounding)? */
function member(set: ConvexSet, y: number[]): boolean {
  if (set.kind === 'nonnegative') return y.every((v) => v >= 0);
  if (set.kind === 'simplex') {
    const sum = y.reduce((a, b) => a + b, 0);
    return y.every((v) => v >= 0) && Math.abs(sum - (set.total ?? 1)) <= 1e-12 * Math.max(1, set.total ?? 1);
  }
  if (set.kind === 'box') {
    const lo = (i: number) => (typeof set.lower === 'number' ? set.lower : set.lower[i]);
    const hi = (i: number) => (typeof set.upper === 'number' ? set.upper : set.upper[i]);
    return y.every((v, i) => v >= lo(i) && v <= hi(i));
  }
  const c = (i: number) =>
    set.center === undefined ? 0 : typeof set.center === 'number' ? set.center : set.center[i];
  return Math.sqrt(y.reduce((s, v, i) => s + (v - c(i)) ** 2, 0)) <= set.radius * (1 + 1e-12);
}

const sets: Array<[string, ConvexSet]> = [
  ['nonnegative orthant', { kind: 'nonnegative' }],
  ['box with scalar bounds', { kind: 'box', lower: -0.5, upper: 1 }],
  [
    'box with per-coordinate bounds',
    { kind: 'box', lower: seeded(9, 5, 1).map((v) => v - 1), upper: seeded(9, 6, 1).map((v) => v + 1) },
  ],
  ['L2 ball at the origin', { kind: 'l2ball', radius: 1.5 }],
  ['L2 ball around a center', { kind: 'l2ball', radius: 0.7, center: seeded(9, 8, 1) }],
  ['probability simplex', { kind: 'simplex' }],
  ['simplex of total 2.5', { kind: 'simplex', total: 2.5 }],
];

describe.each(sets)('project onto the %s', (_name, set) => {
  it('lands in the set and is the nearest point: no sampled member of the set is closer', () => {
    for (let trial = 0; trial < 20; trial++) {
      const x = seeded(9, trial + 1);
      const a = param(Float64Array.from(x.slice(0, 4)));
      const b = param(Float64Array.from(x.slice(4)));
      project([a, b], set);
      const y = [...a.data, ...b.data];
      expect(member(set, y)).toBe(true);
      const d = dist2(x, y);
      for (let s = 0; s < 50; s++) {
        const z = seeded(9, 1000 * trial + s);
        const w = param(Float64Array.from(z));
        project(w, set); // any member of the set
        expect(dist2(x, w.data)).toBeGreaterThanOrEqual(d * (1 - 1e-12));
      }
    }
  });

  it('leaves points already in the set unchanged (the projection is idempotent)', () => {
    const p = param(Float64Array.from(seeded(9, 77)));
    project(p, set);
    const once = Array.from(p.data);
    project(p, set);
    expect(Array.from(p.data)).toEqual(once);
  });
});

describe('project', () => {
  it('projected gradient descent reaches the constrained minimum of ‖x - a‖² over a box: clamp(a)', () => {
    const a = [2, -3, 0.25, 0.9, -0.1];
    const x = param(new Float64Array(5));
    const opt = new SGD([x], { lr: 0.2 });
    for (let k = 0; k < 200; k++) {
      x.data.forEach((v, i) => {
        x.grad[i] = 2 * (v - a[i]);
      });
      opt.step();
      project(x, { kind: 'box', lower: 0, upper: 1 });
    }
    const want = a.map((v) => Math.min(Math.max(v, 0), 1));
    x.data.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 12);
    });
  });

  it('names the bad argument: mismatched lengths, an empty box, a negative radius, an unknown set', () => {
    const p = param(new Float64Array(3));
    expect(() => project(p, { kind: 'box', lower: [0, 0], upper: 1 })).toThrow(
      'Length mismatch: lower has 2 elements, the parameters have 3',
    );
    expect(() => project(p, { kind: 'box', lower: 1, upper: 0 })).toThrow(
      /lower\[0\] = 1 is above upper\[0\] = 0/,
    );
    expect(() => project(p, { kind: 'l2ball', radius: -1 })).toThrow(/Invalid radius value: -1/);
    expect(() => project(p, { kind: 'simplex', total: 0 })).toThrow(/Invalid total value: 0/);
    expect(() => project(p, { kind: 'l1ball' } as never)).toThrow(/Invalid set/);
  });
});

/** τ by bisection on the monotone g(τ) = Σ max(x_i - τ, 0) - z: independent of the sort. */
function bisectionThreshold(x: number[], z: number): number {
  let lo = Math.min(...x) - z;
  let hi = Math.max(...x);
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    const g = x.reduce((s, v) => s + Math.max(v - mid, 0), 0) - z;
    if (g > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('project onto the simplex', () => {
  it('matches closed forms: a vertex, the barycenter, and a point already inside', () => {
    const cases: Array<[number[], number[]]> = [
      [
        [2, 0, 0],
        [1, 0, 0],
      ],
      [
        [5, 5, 5, 5],
        [0.25, 0.25, 0.25, 0.25],
      ],
      [
        [0.2, 0.3, 0.5],
        [0.2, 0.3, 0.5],
      ],
      [
        [1, 0.5, -3],
        [0.75, 0.25, 0],
      ], // τ = 0.25
    ];
    for (const [x, want] of cases) {
      const p = param(Float64Array.from(x));
      project(p, { kind: 'simplex' });
      p.data.forEach((v, i) => {
        expect(v).toBeCloseTo(want[i], 14);
      });
    }
  });

  it('thresholds at the τ found by bisection, over several parameters', () => {
    for (let trial = 0; trial < 20; trial++) {
      const x = seeded(11, 300 + trial, 4);
      const z = 0.5 + trial / 4;
      const a = param(Float64Array.from(x.slice(0, 6)));
      const b = param(Float64Array.from(x.slice(6)));
      project([a, b], { kind: 'simplex', total: z });
      const tau = bisectionThreshold(x, z);
      [...a.data, ...b.data].forEach((v, i) => {
        expect(v).toBeCloseTo(Math.max(x[i] - tau, 0), 12);
      });
    }
  });

  it('refuses a non-finite coordinate and leaves the parameters unchanged', () => {
    const p = param(Float64Array.from([0.5, Number.NaN, 1]));
    expect(() => project(p, { kind: 'simplex' })).toThrow(/x\[1\] = NaN/);
    expect(p.data[0]).toBe(0.5);
  });
});
