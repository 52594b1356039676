/**
 * Seeded train / validation / test splits (sklearn's `train_test_split` with `shuffle=True`).
 *
 * The test part has ⌈testFraction · n⌉ rows (as sklearn rounds it), the validation part
 * ⌈valFraction · n⌉, the training part the rest. The rows of each part come in a shuffled order
 * drawn from `seed` alone, so the same seed gives the same split on every machine.
 *
 * `stratify: true` keeps every class's share in every part: a part of m rows gets, from class c
 * with n_c rows, t_c = ⌊m n_c / n⌋ rows plus one more for the classes with the largest remainders
 * of m n_c / n (ties: the lower class) until Σ t_c = m, so |t_c - m n_c / n| < 1.
 * Three parts are made in two steps, as with sklearn: test from everything, then validation from
 * the rest.
 */

import type { Dataset } from '../batches.js';
import { Rng } from '../random.js';
import { checkDataset, subset } from './dataset.js';

export interface SplitOptions {
  /** Fraction of the rows in the test part, in (0, 1). */
  testFraction: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Keep every class's share in each part (needs integer labels in y). Default false. */
  stratify?: boolean;
}

export interface ThreeWaySplitOptions extends SplitOptions {
  /** Fraction of the rows in the validation part, in (0, 1); val + test < 1. */
  valFraction: number;
}

function checkFraction(option: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v < 1)) {
    throw new RangeError(`Invalid ${option}: ${String(v)} (expected a fraction in (0, 1))`);
  }
  return v;
}

function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new RangeError(`Invalid seed: ${String(seed)} (expected an integer)`);
  }
  return seed;
}

function labelsOf(data: Dataset): Int32Array {
  if (!(data.y instanceof Int32Array) || data.y.length !== data.n) {
    throw new TypeError(
      'stratify needs integer class labels: data.y must be an Int32Array with one label per row',
    );
  }
  return data.y;
}

/**
 * Takes m of `rows` (shuffled in place first), stratified by `labels` when given; returns
 * [taken, rest], each in shuffled order.
 */
function take(
  rows: Int32Array,
  m: number,
  rng: Rng,
  labels: Int32Array | undefined,
): [Int32Array, Int32Array] {
  rng.shuffle(rows);
  if (!labels) return [rows.slice(0, m), rows.slice(m)];
  const byClass = new Map<number, number[]>();
  for (const r of rows) {
    const c = labels[r];
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(r);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const n = rows.length;
  const quota = classes.map((c) => (m * byClass.get(c)!.length) / n);
  const counts = quota.map(Math.floor);
  let missing = m - counts.reduce((a, b) => a + b, 0);
  const order = classes
    .map((_, k) => k)
    .sort((a, b) => quota[b] - counts[b] - (quota[a] - counts[a]) || a - b);
  for (let k = 0; missing > 0; k++, missing--) counts[order[k]]++;
  const taken: number[] = [];
  const rest: number[] = [];
  classes.forEach((c, k) => {
    const list = byClass.get(c)!;
    // element by element: push(...list) overflows the call stack for ~125k rows
    for (let i = 0; i < list.length; i++) (i < counts[k] ? taken : rest).push(list[i]);
  });
  const a = Int32Array.from(taken);
  const b = Int32Array.from(rest);
  rng.shuffle(a);
  rng.shuffle(b);
  return [a, b];
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** Splits a data set into `{ train, test }` (see the file comment for sizes and stratification). */
export function trainTestSplit<T extends Dataset>(data: T, options: SplitOptions): { train: T; test: T } {
  checkDataset('data', data);
  if (!options || typeof options !== 'object')
    throw new TypeError('trainTestSplit needs options { testFraction }');
  const testFraction = checkFraction('testFraction', options.testFraction);
  const seed = checkSeed(options.seed ?? 0);
  const labels = options.stratify ? labelsOf(data) : undefined;
  const nTest = Math.ceil(testFraction * data.n);
  if (nTest >= data.n) {
    throw new RangeError(`Invalid testFraction: ${testFraction} leaves no training rows out of ${data.n}`);
  }
  const [test, train] = take(allRows(data.n), nTest, new Rng(seed), labels);
  return { train: subset(data, train), test: subset(data, test) };
}

/** Splits a data set into `{ train, val, test }`: test first, then validation from the rest. */
export function trainValTestSplit<T extends Dataset>(
  data: T,
  options: ThreeWaySplitOptions,
): { train: T; val: T; test: T } {
  checkDataset('data', data);
  if (!options || typeof options !== 'object') {
    throw new TypeError('trainValTestSplit needs options { valFraction, testFraction }');
  }
  const testFraction = checkFraction('testFraction', options.testFraction);
  const valFraction = checkFraction('valFraction', options.valFraction);
  const seed = checkSeed(options.seed ?? 0);
  const labels = options.stratify ? labelsOf(data) : undefined;
  const nTest = Math.ceil(testFraction * data.n);
  const nVal = Math.ceil(valFraction * data.n);
  if (nTest + nVal >= data.n) {
    throw new RangeError(
      `Invalid valFraction + testFraction: ${valFraction} + ${testFraction} leaves no training rows out of ${data.n}`,
    );
  }
  const rng = new Rng(seed);
  const [test, rest] = take(allRows(data.n), nTest, rng, labels);
  const [val, train] = take(rest, nVal, rng, labels);
  return { train: subset(data, train), val: subset(data, val), test: subset(data, test) };
}
