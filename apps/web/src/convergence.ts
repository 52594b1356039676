/**
 * The O(1/√T) experiment of the notes: stochastic subgradient descent on the convex, non-smooth
 * f(x) = |x₁| + |x₂| (minimum f* = 0 at 0), from x₀ = (1, 1), with noisy subgradients
 *
 *   g_k = sign(x_k) + σ ξ_k,   ξ_k ~ N(0, I)     (E‖g‖² <= G² = 2 + 2σ²)
 *   x_{k+1} = x_k − η g_k,     η = R / (G √T),   R = ‖x₀ − x*‖ = √2
 *
 * for T steps, and the average iterate x̄_T = (x₀ + … + x_{T−1}) / T. The theorem: for convex f,
 *
 *   E f(x̄_T) − f* <= R² / (2ηT) + η G² / 2 = R G / √T      (at this η)
 *
 * so the gap falls at least like 1/√T, a slope −½ on a log-log plot. Each T is averaged over
 * `runs` seeded runs (the bound is on the expectation).
 */

/** mulberry32: a small seeded generator of uniforms in [0, 1). */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normals by Box–Muller from a seeded uniform stream. */
function normals(seed: number): () => number {
  const u = uniforms(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface ConvergenceRow {
  T: number;
  eta: number;
  /** Mean over the runs of f(x̄_T) − f*. */
  gap: number;
  /** R G / √T. */
  bound: number;
}

export function subgradientExperiment(Ts: number[], sigma: number, runs = 20, seed = 1): ConvergenceRow[] {
  if (!(sigma >= 0) || !Number.isFinite(sigma))
    throw new RangeError(`Invalid σ: ${sigma} (expected a number >= 0)`);
  if (!Number.isInteger(runs) || runs < 1)
    throw new RangeError(`Invalid runs: ${runs} (expected an integer >= 1)`);
  const R = Math.SQRT2;
  const G = Math.sqrt(2 + 2 * sigma * sigma);
  return Ts.map((T) => {
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`Invalid T: ${T} (expected an integer >= 1)`);
    const eta = R / (G * Math.sqrt(T));
    let gap = 0;
    for (let r = 0; r < runs; r++) {
      const noise = normals(seed + 7919 * r + T);
      let [x1, x2] = [1, 1];
      let [s1, s2] = [0, 0];
      for (let k = 0; k < T; k++) {
        s1 += x1;
        s2 += x2;
        x1 -= eta * (Math.sign(x1) + sigma * noise());
        x2 -= eta * (Math.sign(x2) + sigma * noise());
      }
      gap += Math.abs(s1 / T) + Math.abs(s2 / T);
    }
    return { T, eta, gap: gap / runs, bound: (R * G) / Math.sqrt(T) };
  });
}
