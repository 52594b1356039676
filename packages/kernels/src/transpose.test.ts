import { describe, expect, it } from 'vitest';
import { type DType, type FloatArray, growMemory } from './arena.js';
import { matrix, matrixFrom } from './matrix.js';
import { randomArray } from './test-support/random.js';
import { transpose } from './transpose.js';

interface FloatCtor {
  new (n: number): FloatArray;
  from(values: ArrayLike<number>): FloatArray;
}
const dtypes: [DType, FloatCtor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
];

// Shapes around the 32 x 32 tile, degenerate and thin ones.
const shapes: [number, number][] = [
  [0, 0],
  [0, 4],
  [1, 1],
  [1, 37],
  [37, 1],
  [31, 33],
  [32, 32],
  [33, 64],
  [65, 97],
  [100, 3],
];

describe.each(dtypes)('transpose (%s)', (dt, Ctor) => {
  it('puts A[i, j] at B[j, i] for tile-straddling and thin shapes', () => {
    for (const [r, c] of shapes) {
      const a = randomArray(Ctor, r * c, r * 100 + c);
      const B = transpose(matrixFrom(r, c, a));
      expect([B.rows, B.cols]).toEqual([c, r]);
      const b = B.data.toArray();
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) expect(b[j * r + i]).toBe(a[i * c + j]);
    }
  });

  it('writes into a given B, and transposing twice gives A back', () => {
    const a = randomArray(Ctor, 45 * 70, 4);
    const A = matrixFrom(45, 70, a);
    const B = matrix(dt, 70, 45);
    expect(transpose(A, B)).toBe(B);
    growMemory(1 << 20);
    expect(transpose(B).data.toArray()).toEqual(a);
  });

  it('names the shape B must have, and refuses B = A', () => {
    const A = matrixFrom(2, 3, new Ctor(6));
    expect(() => transpose(A, matrix(dt, 2, 3))).toThrow(/B must be 3x2, not 2x3/);
    const S = matrixFrom(2, 2, new Ctor(4));
    expect(() => transpose(S, S)).toThrow(/B overlaps A/);
  });
});
