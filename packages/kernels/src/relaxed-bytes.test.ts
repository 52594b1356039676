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
});
