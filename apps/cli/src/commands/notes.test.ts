import { describe, expect, it } from 'vitest';
import { descent, json } from '../test-support/descent.js';

interface Section {
  title: string;
  head: string[];
  rows: (string | number | null)[][];
  explanation: string;
}

describe('descent notes', () => {
  it("reproduces the notes' numbers, each with an explanation", async () => {
    const sections = json<Section[]>(await descent(['notes', '--json']));
    expect(sections).toHaveLength(6);
    for (const s of sections) expect(s.explanation.length).toBeGreaterThan(40);

    // GD on x^2 from 1.5: x_t = 1.5 (1 - 2 eta)^t
    const [square, xcos, momentum, tanh, critical, bound] = sections;
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
  });
});
