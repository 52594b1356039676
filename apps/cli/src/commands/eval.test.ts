/**
 * Which rows eval scores: the held-out split of the training data by default (the rows train's
 * "test accuracy" was measured on), every row with --all-rows, other data whole; a changed file is
 * scored whole with a note. References: iris' known 50 rows per class and the split's own count.
 */
import { iris } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../training/fingerprint.js';
import type { ModelFile } from '../training/session.js';
import { rowsToScore } from './eval.js';

const data = iris();
const file = {
  cli: {
    settings: { data: 'iris', testFraction: 0.2, seed: 4 },
    data: fingerprint(data),
  },
} as unknown as ModelFile;

describe('eval picks the rows it scores and says which', () => {
  it('scores the 30 held-out rows of iris (10 per class, stratified) by default', () => {
    const r = rowsToScore(data, 'iris', undefined, file, false);
    expect(r.which).toBe('held-out');
    expect(r.rows.n).toBe(30);
    expect([0, 1, 2].map((k) => r.rows.y.filter((y) => y === k).length)).toEqual([10, 10, 10]);
    expect(r.says).toMatch(/^the 30 held-out rows of iris .*seed 4; --all-rows for all 150\)$/);
  });

  it('scores all 150 rows with --all-rows and says the training rows are included', () => {
    const r = rowsToScore(data, 'iris', undefined, file, true);
    expect([r.which, r.rows.n]).toEqual(['all', 150]);
    expect(r.says).toMatch(/training rows included/);
  });

  it('scores other data whole', () => {
    const r = rowsToScore(data, 'other.csv', undefined, file, false);
    expect([r.which, r.rows.n, r.note]).toEqual(['all', 150, null]);
  });

  it('scores changed training data whole, with a note saying why', () => {
    const x = data.x.slice();
    x[0] += 1;
    const r = rowsToScore({ ...data, x }, 'iris', undefined, file, false);
    expect([r.which, r.rows.n]).toEqual(['all', 150]);
    expect(r.note).toMatch(/changed since training.*scoring all 150 rows/);
  });
});
