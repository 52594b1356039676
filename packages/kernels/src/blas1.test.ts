import { describe, expect, it } from 'vitest';
import { fromArray } from './arena.js';
import { dot } from './blas1.js';
import { randomArray } from './test-support/random.js';

const dtypes = [
  ['f32', Float32Array],
  ['f64', Float64Array],
] as const;

describe.each(dtypes)('dot (%s)', (dt, Ctor) => {
  it('matches a naive loop for every length 0..67', () => {
    for (let n = 0; n <= 67; n++) {
      const x = randomArray(Ctor, n, n + 1);
      const y = randomArray(Ctor, n, n + 1000);
      let ref = 0;
      for (let i = 0; i < n; i++) ref += x[i] * y[i];
      const got = dot(fromArray(x), fromArray(y));
      expect(got).toBeCloseTo(ref, dt === 'f32' ? 4 : 12);
    }
  });

  it('names both arguments on a length mismatch', () => {
    expect(() => dot(fromArray(new Ctor(3)), fromArray(new Ctor(4)))).toThrow(/x has 3 elements, y has 4/);
  });
});
