import { noiseRace as coreNoiseRace } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { noiseRace } from './notes-noise.js';

describe("the page's noise race", () => {
  it("names and colours core's four runs in their order, their numbers unchanged", () => {
    const page = noiseRace(1, 40);
    const core = coreNoiseRace({ lr: 1, passes: 40 });
    expect(page.runs.map((r) => r.name)).toEqual(['SGD', 'SAGA', 'SVRG', 'growing batch']);
    expect(page.fStar).toBe(core.fStar);
    page.runs.forEach((r, i) => {
      expect(r.gaps).toEqual(core.runs[i].gaps);
      expect(r.passes).toEqual(core.runs[i].passes);
      expect(r.colour).toMatch(/^#[0-9a-f]{6}$/);
    });
  });

  it("passes a bad step on to core's RangeError", () => {
    expect(() => noiseRace(0)).toThrow(/Invalid lr: 0/);
  });
});
