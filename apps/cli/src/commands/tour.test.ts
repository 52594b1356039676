import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { descent, json } from '../test-support/descent.js';

interface TourJson {
  races: { problem: string; results: { optimizer: string; converged: boolean }[] }[];
  criticalPoints: { function: string; kind: string }[];
  digits: { testAccuracy: number };
  report: string;
}

describe('descent tour', () => {
  it('finishes in under 90 s with the races, critical points, a trained MLP and an HTML report', async () => {
    const report = join(mkdtempSync(join(tmpdir(), 'descent-tour-')), 'tour.html');
    const started = performance.now();
    const r = await descent(['tour', '--report', report, '--json']);
    expect((performance.now() - started) / 1000).toBeLessThan(90);
    expect(r.code).toBe(0);
    const out = json<TourJson>(r);
    expect(out.races.map((x) => x.problem)).toEqual(['ill-conditioned', 'rosenbrock']);
    for (const race of out.races) {
      expect(race.results.find((x) => x.optimizer === 'newton')?.converged).toBe(true);
      expect(race.results.find((x) => x.optimizer === 'lbfgs')?.converged).toBe(true);
    }
    const himmelblau = out.criticalPoints.filter((p) => p.function === 'himmelblau').map((p) => p.kind);
    expect(himmelblau.filter((k) => k === 'minimum')).toHaveLength(4);
    expect(out.criticalPoints.find((p) => p.function === 'saddle')?.kind).toBe('saddle');
    expect(out.digits.testAccuracy).toBeGreaterThan(0.9);
    expect(out.report).toBe(report);
    const html = readFileSync(report, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect((html.match(/<svg/g) ?? []).length).toBe(6);
  }, 120_000);
});
