/**
 * Hutchinson's stochastic trace estimator (Hutchinson 1990), as PyHessian uses for the trace of a
 * model's Hessian: for random z with E[z z^T] = I (Rademacher entries ±1),
 *   tr(A) = E[z^T A z] ≈ (1/m) sum_{k=1..m} z_k^T A z_k,
 * with variance 2 sum_{i≠j} A_ij^2 per probe for Rademacher z; the standard error reported is the
 * sample standard deviation over sqrt(m).
 */
import type { LinearOperator } from './lanczos.js';
import { seededRandom } from './seeded-random.js';

export interface HutchinsonOptions {
  /** Number of probe vectors m (default 100). */
  probes?: number;
  seed?: number;
}

export interface HutchinsonResult {
  trace: number;
  standardError: number;
  probes: number;
}

export function hutchinsonTrace(
  operator: LinearOperator,
  n: number,
  options: HutchinsonOptions = {},
): HutchinsonResult {
  if (typeof operator !== 'function') throw new TypeError('operator must be a function (v, out) => out');
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Invalid n: ${n}`);
  const probes = options.probes ?? 100;
  if (!Number.isInteger(probes) || probes < 1) throw new RangeError(`Invalid probes: ${probes}`);
  const rng = seededRandom(options.seed ?? 0);
  const z = new Float64Array(n);
  const out = new Float64Array(n);
  let mean = 0;
  let m2 = 0; // Welford's running sum of squared deviations
  for (let k = 1; k <= probes; k++) {
    for (let i = 0; i < n; i++) z[i] = rng.sign();
    const r = operator(z, out);
    const Az = r instanceof Float64Array ? r : out;
    if (Az.length !== n) throw new RangeError(`operator returned length ${Az.length}, expected n = ${n}`);
    let s = 0;
    for (let i = 0; i < n; i++) s += z[i] * Az[i];
    if (!Number.isFinite(s)) throw new RangeError(`operator returned a non-finite value at probe ${k - 1}`);
    const d = s - mean;
    mean += d / k;
    m2 += d * (s - mean);
  }
  const variance = probes > 1 ? m2 / (probes - 1) : Number.NaN;
  return { trace: mean, standardError: Math.sqrt(variance / probes), probes };
}
