import { describe, expect, it } from 'vitest';
import { maxAbs, maxOf, minOf } from './extent.js';

describe('minOf, maxOf, maxAbs', () => {
  it('agree with Math.min / Math.max on small arrays, NaN and empty ones included', () => {
    const cases = [[3, -1, 2], [5], [], [1, Number.NaN, 2], [-Infinity, 4]];
    for (const c of cases) {
      expect(minOf(c), JSON.stringify(c)).toBe(Math.min(...c));
      expect(maxOf(c), JSON.stringify(c)).toBe(Math.max(...c));
    }
    expect(maxAbs([3, -7, 2])).toBe(7);
    expect(maxAbs([])).toBe(0);
    expect(maxAbs([1, Number.NaN])).toBeNaN();
  });

  it('take a million values, where spreading them overflows the stack', () => {
    const values = new Float64Array(1e6).map((_, i) => Math.sin(i));
    values[400_000] = 5;
    values[700_000] = -6;
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(maxOf(values)).toBe(5);
    expect(minOf(values)).toBe(-6);
    expect(maxAbs(values)).toBe(6);
  });
});
