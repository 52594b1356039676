/** Seeded randomness for tests: mulberry32, and helpers that fill typed arrays. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
export function randomArray<T extends Float32Array | Float64Array>(
  ctor: new (n: number) => T,
  n: number,
  seed: number,
): T {
  const r = rng(seed);
  const out = new ctor(n);
  for (let i = 0; i < n; i++) out[i] = 2 * r() - 1;
  return out;
}
