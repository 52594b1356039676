import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelsWasmRelaxedBase64 } from './generated/kernels-wasm-relaxed.js';
import { loadRelaxedSimd, relaxedBase64, relaxedSimdProbe } from './relaxed-bytes.js';

const relaxedBytes = () => Uint8Array.from(atob(kernelsWasmRelaxedBase64), (c) => c.charCodeAt(0));

describe('the relaxed build’s bytes', () => {
  it('the 37-byte probe validates exactly when the relaxed build itself does', () => {
    expect(relaxedSimdProbe()).toBe(WebAssembly.validate(relaxedBytes()));
  });

  it('are read synchronously in Node, the same base64 as the generated module', () => {
    expect(relaxedBase64()).toBe(kernelsWasmRelaxedBase64);
  });

  it('loadRelaxedSimd resolves to whether the engine runs relaxed SIMD', async () => {
    await expect(loadRelaxedSimd()).resolves.toBe(WebAssembly.validate(relaxedBytes()));
    expect(relaxedBase64()).toBe(kernelsWasmRelaxedBase64);
  });

  it('are imported statically by no module of the package, so bundles do not carry them', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) =>
        f.endsWith('.ts') &&
        !f.endsWith('.test.ts') &&
        !f.startsWith('test-support') &&
        !f.startsWith('generated'),
    );
    expect(sources.length).toBeGreaterThan(20);
    const staticImport = /^\s*(import|export)\b[^;]*from\s*'[^']*kernels-wasm-relaxed/m;
    const importing = sources.filter((f) => staticImport.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(importing).toEqual([]);
  });
});
