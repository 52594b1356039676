/**
 * Benchmark inputs: n values uniform in [-1, 1) from a 32-bit linear congruential generator
 * (Numerical Recipes' a = 1664525, c = 1013904223), seeded, so every run times the same data.
 */
export function randomF32(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
