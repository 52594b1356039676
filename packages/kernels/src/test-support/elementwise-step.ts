/**
 * A bit-exact harness for element-wise optimizer kernels: random parameter, gradient and state
 * arrays of every length 0..maxLength (SIMD body and scalar tail, f32 and f64); the kernel runs on
 * copies in kernel memory, a naive per-element update runs on plain arrays with every operation
 * rounded to the element type (`r` = Math.fround for f32), and the results must be identical.
 */
import { expect } from 'vitest';
import { type DType, fromArray, type WasmArray } from '../arena.js';
import { randomArray } from './random.js';

export type Round = (x: number) => number;

export interface ElementwiseCase {
  /** Number of state arrays. */
  states: number;
  /** Initial state values from a uniform [-1, 1) sample u (e.g. u => u * u for second moments). */
  initState?: (u: number, s: number) => number;
  run(p: WasmArray, g: WasmArray, s: WasmArray[]): void;
  /** Updates p[i] and s[k][i] in place, rounding every operation with r. */
  naive(i: number, p: number[], g: number[], s: number[][], r: Round): void;
}

export const rounders: Record<DType, Round> = { f32: Math.fround, f64: (x) => x };

export function expectBitExact(dtype: DType, c: ElementwiseCase, maxLength = 35, seed = 1): void {
  const Ctor: new (n: number) => Float32Array | Float64Array = dtype === 'f32' ? Float32Array : Float64Array;
  const r = rounders[dtype];
  for (let n = 0; n <= maxLength; n++) {
    const p0 = randomArray(Ctor, n, seed + n);
    const g0 = randomArray(Ctor, n, seed + 1000 + n);
    const s0 = Array.from({ length: c.states }, (_, k) => {
      const u = randomArray(Ctor, n, seed + 2000 + 100 * k + n);
      return c.initState ? u.map((x) => c.initState!(x, k)) : u;
    });
    const P = fromArray(p0);
    const G = fromArray(g0);
    const S = s0.map((s) => fromArray(s));
    c.run(P, G, S);
    const p = Array.from(p0);
    const g = Array.from(g0);
    const s = s0.map((a) => Array.from(a));
    for (let i = 0; i < n; i++) c.naive(i, p, g, s, r);
    expect(Array.from(P.data), `param, n = ${n}`).toEqual(p);
    S.forEach((a, k) => {
      expect(Array.from(a.data), `state ${k}, n = ${n}`).toEqual(s[k]);
    });
    expect(Array.from(G.data), `grad is read only, n = ${n}`).toEqual(g);
    for (const a of [P, G, ...S]) a.free();
  }
}
