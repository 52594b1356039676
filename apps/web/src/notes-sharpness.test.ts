import { sharpnessComparison } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { sharpnessRace } from './notes-sharpness.js';

describe("the page's sharpness bars", () => {
  it("label mlp's four runs in their order, with their numbers unchanged", () => {
    const page = sharpnessRace();
    const lib = sharpnessComparison();
    expect(page.map((r) => r.name)).toEqual([
      'SGD, batch 16',
      'GD, full batch',
      'SAM (GD, ρ = 1)',
      'Adam, batch 16',
    ]);
    expect(lib.map((r) => r.name)).toEqual([
      'SGD, batch 16, lr 0.5',
      'GD (full batch), lr 0.5',
      'GD + SAM rho = 1',
      'Adam, batch 16, lr 0.01',
    ]);
    page.forEach((r, i) => {
      expect(r.lambdaMax).toBe(lib[i].lambdaMax);
      expect(r.trace).toBe(lib[i].trace);
      expect(r.colour).toMatch(/^#[0-9a-f]{6}$/);
    });
  });
});
