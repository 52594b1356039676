/**
 * Contour plots keep equal axis scales. Reference: pixels per unit computed by hand from the box.
 */
import { getProblem } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { keptIndices, pathsSpec, plotFrame } from './svg.js';

const perUnit = (f: ReturnType<typeof plotFrame>) => [
  f.width / (f.x[1] - f.x[0]),
  f.height / (f.y[1] - f.y[0]),
];

describe('plotFrame', () => {
  it('draws the ill-conditioned box [-12, 12] x [-3, 3] to scale: 460 px wide, 115 px of box high', () => {
    const f = plotFrame([
      [-12, 12],
      [-3, 3],
    ]);
    const [px, py] = perUnit(f);
    expect(px).toBeCloseTo(460 / 24, 12);
    expect(py).toBeCloseTo(px, 12);
    expect(f.width).toBe(460);
    expect(f.height).toBe(160); // 115 px of box, widened about y = 0 to the 160 px floor
    expect(f.y[0]).toBeCloseTo(-f.y[1], 12);
    expect(f.toScale).toBe(true);
  });

  it('keeps a square box square and leaves a badly scaled box (1e11 : 1) unequal, saying so', () => {
    expect(
      plotFrame([
        [-5, 5],
        [-5, 5],
      ]),
    ).toEqual({ x: [-5, 5], y: [-5, 5], width: 460, height: 460, toScale: true });
    const bad = getProblem('brown-badly-scaled');
    expect(plotFrame(bad.domain).toScale).toBe(false);
    expect(String(pathsSpec('brown', bad, []).title)).toMatch(/axes not to scale/);
  });

  it('gives the paths spec the frame’s size and domains', () => {
    const spec = pathsSpec('ill', getProblem('ill-conditioned'), []) as unknown as {
      width: number;
      height: number;
      encoding: { y: { scale: { domain: number[] } } };
    };
    expect([spec.width, spec.height]).toEqual([460, 160]);
    expect(spec.encoding.y.scale.domain[1]).toBeCloseTo((160 / 460) * 12, 12);
  });
});

describe('keptIndices', () => {
  it('keeps every point of a short line', () => {
    expect(keptIndices([3, 1, 2], 1)).toEqual([0, 1, 2]);
  });

  it('keeps the envelope of a long zigzag: its lowest and highest values survive thinning', () => {
    const y = Array.from({ length: 10_000 }, (_, k) => (k % 2 === 0 ? 1 : -1) * (1 + k / 10_000));
    const kept = keptIndices(y, 200);
    expect(kept.length).toBeLessThanOrEqual(601);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(9999);
    const shown = kept.map((i) => y[i]);
    expect(Math.min(...shown)).toBe(Math.min(...y)); // naive reference: the whole line's extremes
    expect(Math.max(...shown)).toBe(Math.max(...y));
  });
});
