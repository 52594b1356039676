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

/** A seeded symmetric n x n matrix with entries in [-0.5, 0.5) (Park–Miller, so runs are identical). */
export function randomSymmetric(n: number, seed: number): Float64Array {
  let s = seed;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next();
  return a;
}
