/**
 * Accuracy of the unary transcendental ops (elementwise.ts) over dense grids against Math.*:
 * f32 in ulps of the correctly rounded value, f64 relative, wherever the result is a normal number.
 * exp and softplus are SIMD (transcendental.ts); log, log1p, expm1, sin, cos are NativeMath in wasm.
 */
import { describe, expect, it } from 'vitest';
import { alloc, type DType, fromArray } from './arena.js';
import { elu, type UnaryOp, unary } from './elementwise.js';

function f32Index(v: number): number {
  const i = new Int32Array(new Float32Array([v]).buffer)[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}

function worstError(
  dtype: DType,
  op: UnaryOp | 'elu',
  ref: (x: number) => number,
  lo: number,
  hi: number,
  n = 20001,
) {
  const grid = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) grid[i] = lo + ((hi - lo) * i) / (n - 1);
  const x = fromArray(grid);
  const y = alloc(dtype, n);
  if (op === 'elu') elu(x, 1, y);
  else unary(op, x, y);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const r = ref(x.data[i]);
    if (!Number.isFinite(r) || Math.abs(r) < 1e-290 || (dtype === 'f32' && Math.abs(r) < 1.2e-38)) continue;
    const e =
      dtype === 'f32'
        ? Math.abs(f32Index(y.data[i]) - f32Index(Math.fround(r)))
        : Math.abs(y.data[i] / r - 1);
    worst = Math.max(worst, e);
  }
  return worst;
}

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

// softplus in f32 sums two rounded f32 terms (max(x, 0) and log1p(e^{-|x|})): 3 ulp near x = 0.
const cases: { op: UnaryOp | 'elu'; ref: (x: number) => number; lo: number; hi: number; ulps?: number }[] = [
  { op: 'exp', ref: Math.exp, lo: -80, hi: 80 },
  { op: 'exp', ref: Math.exp, lo: -1e-3, hi: 1e-3 },
  { op: 'log', ref: Math.log, lo: 1e-6, hi: 1e6 },
  { op: 'log', ref: Math.log, lo: 0.5, hi: 2 },
  { op: 'log1p', ref: Math.log1p, lo: -0.999, hi: 100 },
  { op: 'expm1', ref: Math.expm1, lo: -30, hi: 30 },
  { op: 'expm1', ref: Math.expm1, lo: -1e-3, hi: 1e-3 },
  { op: 'sin', ref: Math.sin, lo: -100, hi: 100 },
  { op: 'cos', ref: Math.cos, lo: -100, hi: 100 },
  { op: 'softplus', ref: softplus, lo: -80, hi: 80, ulps: 3 },
  { op: 'sigmoid', ref: (x) => 1 / (1 + Math.exp(-x)), lo: -80, hi: 80 },
  { op: 'tanh', ref: Math.tanh, lo: -20, hi: 20 },
  { op: 'elu', ref: (x) => (x > 0 ? x : Math.expm1(x)), lo: -40, hi: 5 },
  { op: 'elu', ref: (x) => (x > 0 ? x : Math.expm1(x)), lo: -1e-3, hi: 1e-3 },
];

describe('f32 unary ops, in ulps of the correctly rounded result', () => {
  it.each(cases)('$op on [$lo, $hi] is within 2 ulp (softplus 3)', ({ op, ref, lo, hi, ulps = 2 }) => {
    expect(worstError('f32', op, ref, lo, hi)).toBeLessThanOrEqual(ulps);
  });
});

describe('f64 unary ops, relative error', () => {
  it.each(cases)('$op on [$lo, $hi] is below 6e-16', ({ op, ref, lo, hi }) => {
    expect(worstError('f64', op, ref, lo, hi)).toBeLessThanOrEqual(6e-16);
  });
});
