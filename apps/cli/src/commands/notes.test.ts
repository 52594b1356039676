import { describe, expect, it } from 'vitest';
import { descent, json } from '../test-support/descent.js';

interface Section {
  title: string;
  head: string[];
  rows: (string | number | null)[][];
  explanation: string;
  chart?: { series: { name: string; values: number[] }[] };
  picture?: string[];
}

describe('descent notes', () => {
  it("reproduces the notes' numbers, each with an explanation", async () => {
    const sections = json<Section[]>(await descent(['notes', '--json']));
    expect(sections).toHaveLength(11);
    for (const s of sections) expect(s.explanation.length).toBeGreaterThan(40);

    // GD on x^2 from 1.5: x_t = 1.5 (1 - 2 eta)^t
    const [square, xcos, momentum, tanh, critical, bound, noise, staircase, accelerated, flat, sets] =
      sections;
    expect(square.rows.map((r) => r[7])).toEqual(['converges', 'crawls', 'diverges']);
    for (const row of square.rows) {
      const eta = row[0] as number;
      for (let t = 1; t <= 3; t++) expect(row[1 + t] as number).toBeCloseTo(1.5 * (1 - 2 * eta) ** t, 12);
      expect(row[5] as number).toBeCloseTo(1.5 * (1 - 2 * eta) ** 20, 9);
    }
    // x cos x with eta = 2: x1 = x0 - 2 (cos x0 - x0 sin x0)
    expect(xcos.rows[1][1] as number).toBeCloseTo(1 - 2 * (Math.cos(1) - Math.sin(1)), 12);
    // averaged momentum (beta 0.5) reaches 1e-6 sooner than plain GD on the valley
    expect(momentum.rows[1][3] as number).toBeLessThan(momentum.rows[0][3] as number);
    expect(tanh.rows[3][2] as number).toBeCloseTo(1 - Math.tanh(4) ** 2, 15);
    expect(critical.rows.map((r) => r[2])).toEqual(['saddle', 'degenerate', 'degenerate']);
    for (const [T, eta, gap, b] of bound.rows as number[][]) {
      expect(eta).toBeCloseTo(1 / Math.sqrt(T), 15);
      expect(b).toBeCloseTo(1 / Math.sqrt(T), 15);
      expect(gap).toBeLessThanOrEqual(b * (1 + 1e-12));
    }
    // the families of methods (their numbers are checked in notes-methods.test.ts)
    expect(noise.chart?.series.map((s) => s.name)).toEqual([
      'SGD (batch 1)',
      'SAGA',
      'SVRG (m = 2n)',
      'growing batch 1.02^k',
    ]);
    expect(staircase.picture?.join('')).toContain('S');
    expect(accelerated.chart?.series).toHaveLength(2);
    expect(flat.rows.map((r) => r[0])).toEqual([
      'SGD, batch 16, lr 0.5',
      'GD (full batch), lr 0.5',
      'GD + SAM rho = 1',
      'Adam, batch 16, lr 0.01',
    ]);
    expect(sets.title).toMatch(/^Constraint sets C/);
  });

  it('draws the charts and the staircase in the terminal', async () => {
    const out = (await descent(['notes'])).stdout;
    expect(out).toContain('(y: log10(f - f*))');
    expect(out).toContain('── SAGA');
    expect(out).toContain('o----------S');
    expect(out).toContain('(y: log10(worst f - f*))');
  });
});
