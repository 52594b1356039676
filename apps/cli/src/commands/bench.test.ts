import { describe, expect, it } from 'vitest';
import { descent, json } from '../test-support/descent.js';

describe('descent bench', () => {
  it('measures the wasm kernels and plain JS side by side and reports their ratio', async () => {
    const rows = json<{ name: string; wasm: number; js: number; speedup: number }[]>(
      await descent(['bench', '--budget', '0.02', '--json']),
    );
    expect(rows.map((r) => r.name.split(',')[0].split(' ')[0])).toEqual(['dot', 'gemm', 'Adam']);
    for (const r of rows) {
      expect(r.wasm).toBeGreaterThan(0);
      expect(r.js).toBeGreaterThan(0);
      expect(r.speedup).toBeCloseTo(r.wasm / r.js, 9);
    }
  });
});
