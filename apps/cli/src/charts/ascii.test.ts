/**
 * ASCII charts without colour tell series apart by marker. References: values placed by hand on
 * a 3-row grid (top = the maximum, bottom = the minimum).
 */
import { describe, expect, it } from 'vitest';
import { asciiChart } from './ascii.js';

describe('asciiChart without colour', () => {
  it('draws each series with its own marker and names the markers in the legend', () => {
    const text = asciiChart(
      [
        { name: 'low', values: [0, 0, 0, 0] },
        { name: 'high', values: [2, 2, 2, 2] },
      ],
      { height: 3, color: false },
    );
    const rows = text.split('\n');
    expect(rows[0]).toBe('      2.00 ┤oooo');
    expect(rows[1]).toBe('      1.00 ┤    ');
    expect(rows[2]).toBe('      0.00 ┤****');
    expect(rows[4].trim()).toBe('* ── low   o ── high');
  });

  it('keeps an oscillation visible: a column covering a zigzag shows its top and its bottom', () => {
    const zigzag = Array.from({ length: 1000 }, (_, k) => (k % 2 === 0 ? 1 : -1));
    const text = asciiChart(
      [
        { name: 'zigzag', values: zigzag },
        { name: 'flat', values: new Array(1000).fill(0) },
      ],
      { width: 10, height: 3, color: false },
    );
    const rows = text.split('\n');
    expect(rows[0]).toBe('      1.00 ┤**********');
    expect(rows[1]).toBe('      0.00 ┤oooooooooo');
    expect(rows[2]).toBe('     -1.00 ┤**********');
  });

  it('keeps asciichart’s line for a single series', () => {
    expect(asciiChart([{ name: 'lr', values: [1, 2, 3] }], { color: false })).toMatch(/[╭╮╰╯─]/);
  });
});
