import { describe, expect, it } from 'vitest';
import { finiteExtent, strideIndices } from './series.js';

describe('long series', () => {
  it('finds the extent of 1,000,000 values, which Math.min(...values) cannot spread', () => {
    const values = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i));
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    expect(finiteExtent(values)).toEqual([lo, hi]);
    expect(() => Math.min(...values)).toThrow(RangeError);
  });

  it('leaves out non-finite values and answers undefined when none is finite', () => {
    expect(finiteExtent([Number.NaN, 3, Number.POSITIVE_INFINITY, -1])).toEqual([-1, 3]);
    expect(finiteExtent([Number.NaN, Number.NaN])).toBeUndefined();
    expect(finiteExtent([])).toBeUndefined();
  });

  it('keeps every index of a short series and evenly spaced ones, first and last included, of a long one', () => {
    expect(strideIndices(4, 10)).toEqual([0, 1, 2, 3]);
    expect(strideIndices(100001, 5)).toEqual([0, 25000, 50000, 75000, 100000]);
    const kept = strideIndices(100001, 1000);
    expect(kept).toHaveLength(1000);
    expect(kept.every((k, j) => j === 0 || k > kept[j - 1])).toBe(true);
  });

  it('refuses a maximum below two, naming it', () => {
    expect(() => strideIndices(10, 1)).toThrow('Invalid max: 1');
  });
});
