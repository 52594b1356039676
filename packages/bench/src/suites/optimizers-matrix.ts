/**
 * Shampoo and SOAP on one 1024 x 1024 f32 matrix parameter (a fixed gradient), and the cost of
 * Shampoo's preconditioner refresh:
 *   Shampoo statistics step (still grafting: the factors G Gᵀ, Gᵀ G updated, no root): step() with
 *     the products on the kernels' gemm (fused) vs plain loops (reference path);
 *   Shampoo step with a refresh every step (preconditionFrequency 1: two inverse 4th roots by eigh
 *     and the preconditioned direction L̃ G R̃): fused vs reference;
 *   the refresh alone: (L + εI)^{-1/4} of a 1024 x 1024 SPD matrix by eigh (inverseRootEigh) and by
 *     the coupled Newton iteration (inverseRootNewton), both on gemm, vs the bare eigh;
 *   SOAP step between refreshes (the bases built on the first, warm-up, call): fused vs reference.
 * No targets; the ratios are reported. The reference paths take about 50 s per step: one sample.
 * Measured once (2 cores shared with other jobs, load ~10: rough): Shampoo statistics step 612 ms
 * on gemm vs 47.5 s on plain loops (78x); the rest of the suite was not run to completion there.
 * The refresh at smaller n, same conditions (median of 3): n = 256 eigh 17.7 ms, inverseRootEigh
 * 30.5 ms, inverseRootNewton 324 ms; n = 512: 67.8 ms, 128 ms, 5.1 s (G Gᵀ of a random square G
 * is ill-conditioned: the Newton iteration needs many steps to reach 1e-12).
 */
import {
  gemmProduct,
  inverseRootEigh,
  inverseRootNewton,
  type Optimizer,
  type Param,
  param,
  Shampoo,
  SOAP,
} from '@descent/core';
import { eigh } from '@descent/kernels';
import { report, type Timing, time } from '../harness.js';

const N = 1024;

function randomF32(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

// the reference path takes ~50 s per step at this size (plain-loop products): one timed call
const SLOW = { samples: 1, warmup: 0, minBatch: 0 };
const FAST = { samples: 5, warmup: 1, minBatch: 0 };

/** step() of the optimizer `make` builds over a fresh 1024 x 1024 parameter, fused vs reference. */
async function stepCase(
  label: string,
  make: (p: Param, impl: 'fused' | 'reference') => Optimizer<{ lr: number }>,
): Promise<void> {
  const timings: Timing[] = [];
  for (const impl of ['fused', 'reference'] as const) {
    const p = matrixParam();
    const opt = make(p, impl);
    const name = `descent ${label} ${impl === 'fused' ? 'step() (gemm)' : '(reference path)'}`;
    timings.push(await time(name, () => opt.step(), impl === 'fused' ? FAST : SLOW));
    opt.free();
    p.free();
  }
  report(`${label} step, ${N} x ${N}`, timings[0], [timings[1]]);
}

function matrixParam() {
  const p = param(randomF32(N * N, 7), { shape: [N, N] });
  p.grad.set(randomF32(N * N, 8));
  return p;
}

async function refreshCase(): Promise<void> {
  const G = Float64Array.from(randomF32(N * N, 9));
  const L = gemmProduct(G, N, N, G, N, N, false, true);
  const viaEigh = await time(
    'descent inverseRootEigh (eigh + Q diag Qᵀ on gemm)',
    () => inverseRootEigh(L, N, 4, 1e-6, gemmProduct),
    FAST,
  );
  const viaNewton = await time(
    'descent inverseRootNewton (coupled Newton on gemm)',
    () => inverseRootNewton(L, N, 4, 1e-6, gemmProduct),
    SLOW,
  );
  const bare = await time(
    'descent eigh (values and vectors)',
    () => eigh({ rows: N, cols: N, data: L }),
    FAST,
  );
  report(`Shampoo preconditioner refresh, ${N} x ${N} (ratio = eigh / refresh)`, viaEigh, [bare, viaNewton]);
}

export async function run(): Promise<void> {
  await refreshCase();
  await stepCase(
    'Shampoo statistics',
    (p, impl) => new Shampoo([p], { impl, preconditionFrequency: 1_000_000 }),
  );
  await stepCase(
    'Shampoo refresh-every-step',
    (p, impl) => new Shampoo([p], { impl, preconditionFrequency: 1, eps: 1e-6 }),
  );
  await stepCase('SOAP', (p, impl) => {
    const opt = new SOAP([p], { impl, preconditionFrequency: 1_000_000 });
    if (impl === 'reference') opt.step(); // the first call only builds the bases (eigh): not timed
    return opt;
  });
}
