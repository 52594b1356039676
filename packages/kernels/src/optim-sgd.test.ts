import { describe, expect, it } from 'vitest';
import { alloc, fromArray } from './arena.js';
import { fusedSgdStep, type SgdStepScalars } from './optim-sgd.js';
import { randomArray } from './test-support/random.js';

const dtypes = [
  ['f32', Float32Array],
  ['f64', Float64Array],
] as const;

/**
 * The update written out element by element, each operation rounded to the element type (f32
 * arithmetic emulated with Math.fround), so the kernel must agree bit for bit.
 */
function naiveSgd(p: number[], g: number[], b: number[], s: SgdStepScalars, r: (x: number) => number) {
  for (let i = 0; i < p.length; i++) {
    let d = s.maximize ? -g[i] : g[i];
    if (s.weightDecay !== 0) d = r(d + r(r(s.weightDecay) * p[i]));
    if (s.momentum !== 0) {
      b[i] = s.first ? d : r(r(r(s.momentum) * b[i]) + r(r(1 - s.dampening) * d));
      d = s.nesterov ? r(d + r(r(s.momentum) * b[i])) : b[i];
    }
    p[i] = r(p[i] - r(r(s.lr) * d));
  }
}

const base: SgdStepScalars = {
  lr: 0.1,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
  first: false,
};
const variants: Array<[string, Partial<SgdStepScalars>]> = [
  ['plain', {}],
  ['weight decay and maximize', { weightDecay: 0.3, maximize: true }],
  ['momentum, first step', { momentum: 0.9, first: true }],
  ['momentum with dampening', { momentum: 0.9, dampening: 0.5 }],
  ['nesterov, first step', { momentum: 0.8, nesterov: true, first: true }],
  ['nesterov with weight decay', { momentum: 0.8, nesterov: true, weightDecay: 0.01 }],
];

describe.each(dtypes)('fusedSgdStep (%s)', (dt, _Ctor) => {
  const rand = (n: number, seed: number): Float32Array | Float64Array =>
    dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed);
  const r = dt === 'f32' ? Math.fround : (x: number) => x;

  it.each(variants)(
    'matches the element-by-element update bit for bit for every length 0..37: %s',
    (_n, v) => {
      const s = { ...base, ...v };
      for (let n = 0; n <= 37; n++) {
        const p0 = rand(n, n + 1);
        const g0 = rand(n, n + 100);
        const b0 = rand(n, n + 200);
        const p = fromArray(p0);
        const g = fromArray(g0);
        const b = fromArray(b0);
        fusedSgdStep(p, g, b, s);
        const wantP = Array.from(p0);
        const wantB = Array.from(b0);
        naiveSgd(wantP, Array.from(g0), wantB, s, r);
        expect(Array.from(p.data)).toEqual(wantP);
        expect(Array.from(b.data)).toEqual(s.momentum !== 0 ? wantB : Array.from(b0));
        expect(Array.from(g.data)).toEqual(Array.from(g0));
      }
    },
  );

  it('names both arguments on a length mismatch', () => {
    expect(() => fusedSgdStep(alloc(dt, 5), alloc(dt, 4), null, base)).toThrow(/p has 5 elements, g has 4/);
    expect(() => fusedSgdStep(alloc(dt, 5), alloc(dt, 5), alloc(dt, 3), { ...base, momentum: 0.9 })).toThrow(
      /p has 5 elements, momentumBuffer has 3/,
    );
  });

  it('requires a momentum buffer when momentum is set', () => {
    expect(() => fusedSgdStep(alloc(dt, 5), alloc(dt, 5), null, { ...base, momentum: 0.9 })).toThrow(
      /momentumBuffer is required/,
    );
  });

  it('rejects a gradient of the other dtype and a non-finite learning rate', () => {
    const other = dt === 'f32' ? 'f64' : 'f32';
    expect(() => fusedSgdStep(alloc(dt, 5), alloc(other, 5), null, base)).toThrow(/g has dtype/);
    expect(() => fusedSgdStep(alloc(dt, 5), alloc(dt, 5), null, { ...base, lr: NaN })).toThrow(/Invalid lr/);
  });

  it('rejects a gradient that is the parameter itself', () => {
    const p = alloc(dt, 5);
    expect(() => fusedSgdStep(p, p, null, base)).toThrow(/p overlaps g/);
  });
});
