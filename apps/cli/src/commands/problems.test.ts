import { getProblem, listProblems } from '@descent/core';
import { describe, expect, it } from 'vitest';
import { descent, json } from '../test-support/descent.js';

describe('descent problems', () => {
  it("lists the zoo's problems with the library's dimensions and starts", async () => {
    const rows = json<{ name: string; dim: number; start: number[] }[]>(
      await descent(['problems', '--json']),
    );
    expect(rows.map((r) => r.name)).toEqual(listProblems());
    for (const r of rows) {
      expect(r.dim).toBe(getProblem(r.name).dim);
      expect(r.start).toEqual(Array.from(getProblem(r.name).x0));
    }
  });
});
