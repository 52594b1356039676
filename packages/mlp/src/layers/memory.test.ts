import { describe, expect, it } from 'vitest';
import { mlp } from '../mlp.js';
import { Dense } from './dense.js';
import { parameterBytes, WASM_MEMORY_LIMIT } from './memory.js';
import { sequentialFromConfig } from './sequential.js';

const GiB = 1024 ** 3;

describe('model size against the 4 GiB WebAssembly memory', () => {
  it('counts values and gradients: 2 · P · 4 bytes (f32) or 8 bytes (f64)', () => {
    expect(WASM_MEMORY_LIMIT).toBe(4 * GiB);
    expect(parameterBytes(1000, 'f32')).toBe(8000);
    expect(parameterBytes(1000, 'f64')).toBe(16000);
  });

  it('refuses mlp([4, 1e9, 3]) at once, saying the 8e9+3 parameters need 59.6 GiB', () => {
    // (4 + 1)·10⁹ + (10⁹ + 1)·3 = 8,000,000,003 parameters; 2 · 4 bytes each = 59.6 GiB
    const t = performance.now();
    expect(() => mlp({ sizes: [4, 1e9, 3] })).toThrow(
      /^The model \[4,1000000000,3\] is too large: its 8,000,000,003 parameters need 59\.6 GiB with their gradients \(f32\), and the kernels' WebAssembly memory is limited to 4 GiB$/,
    );
    expect(performance.now() - t).toBeLessThan(100); // nothing was allocated first
  });

  it('refuses a Dense layer just over the limit (4 GiB + 256 KiB) and a checkpoint config far over it', () => {
    // 2^28 parameters of f64 take 2 · 8 · 2^28 = 4 GiB exactly: allowed; one more row is not
    expect(() => new Dense(2 ** 14, 2 ** 14 + 1, { dtype: 'f64', bias: false })).toThrow(
      /Dense\(16384, 16385\) is too large: .* need 4\.0 GiB/,
    );
    const config = {
      dtype: 'f32' as const,
      layers: [
        { type: 'dense', name: 'dense0', inFeatures: 100000, outFeatures: 100000, bias: true },
        { type: 'relu', name: 'relu0', features: 100000 },
        { type: 'dense', name: 'dense1', inFeatures: 100000, outFeatures: 10, bias: true },
      ],
    };
    expect(() => sequentialFromConfig(config)).toThrow(
      /The model is too large: its 10,001,100,010 parameters need 74\.5 GiB/,
    );
  });
});
