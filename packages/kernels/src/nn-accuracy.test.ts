/**
 * Accuracy of the SIMD transcendentals behind the activations (assembly/transcendental.ts), over
 * dense grids: f32 in ulps of the correctly rounded value, f64 relative. GELU against 50-digit
 * mpmath values and torch's own results (test/fixtures/nn/gelu_reference.json, made by
 * gelu_reference.py in the same folder).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray, type WasmArray } from './arena.js';
import { gelu, geluBackward, sigmoid, tanh } from './nn.js';
import { normalCdfReference, activationReferences as R } from './nn-reference.js';

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/nn/gelu_reference.json', import.meta.url), 'utf8'),
) as Record<string, number[]>;

/** Position of an f32 value on the number line of f32s (so that |a - b| counts ulps). */
function f32Index(v: number): number {
  const i = new Int32Array(new Float32Array([v]).buffer)[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}

function gridOf(dtype: DType, lo: number, hi: number, n = 20001): WasmArray {
  const a = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + ((hi - lo) * i) / (n - 1);
  return fromArray(a);
}

/** The worst error of `kernel` against `ref` on a grid: ulps (f32) or relative error (f64). */
function worstError(
  dtype: DType,
  kernel: (x: WasmArray, y: WasmArray) => void,
  ref: (x: number) => number,
  lo: number,
  hi: number,
) {
  const x = gridOf(dtype, lo, hi);
  const y = alloc(dtype, x.length);
  kernel(x, y);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const r = ref(x.data[i]);
    if (Math.abs(r) < 1e-290 || (dtype === 'f32' && Math.abs(r) < 1.2e-38)) continue; // normal results only
    const e =
      dtype === 'f32'
        ? Math.abs(f32Index(y.data[i]) - f32Index(Math.fround(r)))
        : Math.abs(y.data[i] / r - 1);
    worst = Math.max(worst, e);
  }
  return worst;
}

const geluTanh = (x: WasmArray, y: WasmArray) => gelu(x, y, { approximate: 'tanh' });

describe('f32 activations, in ulps of the correctly rounded result', () => {
  // gelu(tanh) for x < -1: σ(2u) ~ e^{2u} turns the rounding of u into a relative error |2u| times
  // larger (the function's own conditioning; 13 ulp at x = -3, ~100 at x = -7.5).
  it.each([
    { name: 'sigmoid on [-100, 100]', kernel: sigmoid, ref: R.sigmoid.f, lo: -100, hi: 100, ulps: 2 },
    { name: 'tanh on [-12, 12]', kernel: tanh, ref: Math.tanh, lo: -12, hi: 12, ulps: 2 },
    { name: 'tanh on [-0.01, 0.01]', kernel: tanh, ref: Math.tanh, lo: -0.01, hi: 0.01, ulps: 1 },
    { name: 'gelu on [-12, 12]', kernel: gelu, ref: R.gelu.f, lo: -12, hi: 12, ulps: 8 },
    { name: 'gelu(tanh) on [-1, 12]', kernel: geluTanh, ref: R.geluTanh.f, lo: -1, hi: 12, ulps: 4 },
  ])('$name is within $ulps ulp', ({ kernel, ref, lo, hi, ulps }) => {
    expect(worstError('f32', kernel, ref, lo, hi)).toBeLessThanOrEqual(ulps);
  });
});

describe('f64 activations, relative error', () => {
  it.each([
    { name: 'sigmoid on [-700, 700]', kernel: sigmoid, ref: R.sigmoid.f, lo: -700, hi: 700, tol: 5e-16 },
    { name: 'tanh on [-20, 20]', kernel: tanh, ref: Math.tanh, lo: -20, hi: 20, tol: 6e-16 },
    { name: 'tanh on [-0.01, 0.01]', kernel: tanh, ref: Math.tanh, lo: -0.01, hi: 0.01, tol: 5e-16 },
    { name: 'gelu on [-6, 12]', kernel: gelu, ref: R.gelu.f, lo: -6, hi: 12, tol: 1e-14 },
    { name: 'gelu(tanh) on [-6, 12]', kernel: geluTanh, ref: R.geluTanh.f, lo: -6, hi: 12, tol: 1e-14 },
  ])('$name is below $tol', ({ kernel, ref, lo, hi, tol }) => {
    expect(worstError('f64', kernel, ref, lo, hi)).toBeLessThanOrEqual(tol);
  });
});

describe('GELU against 50-digit mpmath values (f64)', () => {
  const x = fromArray(Float64Array.from(fixture.x));
  const ones = fromArray(new Float64Array(fixture.x.length).fill(1));
  const run = (approximate: 'none' | 'tanh', backward: boolean) => {
    const y = alloc('f64', x.length);
    if (backward) geluBackward(x, ones, y, { approximate });
    else gelu(x, y, { approximate });
    return y.toArray();
  };

  it.each([
    ['gelu', 'none', false],
    ['geluTanh', 'tanh', false],
    ['dgelu', 'none', true],
    ['dgeluTanh', 'tanh', true],
  ] as const)(
    '%s is within 1e-14 (1 + x²) of the sum of its terms wherever the result is normal',
    (key, approximate, backward) => {
      const got = run(approximate, backward);
      fixture.x.forEach((v, i) => {
        const ref = fixture[key][i];
        if (Math.abs(ref) < 1e-290) return;
        // f = x Φ, f' = Φ + x φ: the scale is |Φ| + |x φ| (f' crosses 0 near x = -0.75)
        const phi = approximate === 'none' ? normalCdfReference(v) : R.geluTanh.f(v) / v || 0.5;
        const scale = backward ? Math.abs(phi) + Math.abs(ref - phi) : Math.abs(ref);
        expect(Math.abs(got[i] - ref)).toBeLessThanOrEqual(1e-14 * (1 + v * v) * scale);
      });
    },
  );

  it.each([
    ['torchGelu', 'none', false],
    ['torchGeluTanh', 'tanh', false],
    ['dtorchGelu', 'none', true],
    ['dtorchGeluTanh', 'tanh', true],
  ] as const)(
    'agrees with torch (%s) to 1e-13 where torch has no cancellation (x >= -2)',
    (key, approximate, backward) => {
      const got = run(approximate, backward);
      fixture.x.forEach((v, i) => {
        if (v < -2) return;
        const ref = fixture[key][i];
        expect(Math.abs(got[i] - ref)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(ref)));
      });
    },
  );
});
