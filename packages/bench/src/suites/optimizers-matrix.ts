/**
 * Shampoo and SOAP on one N x N f32 matrix parameter (N = 1024, a fixed gradient), and the cost of
 * Shampoo's preconditioner refresh. Both run with preconditionFrequency 2, so consecutive steps
 * alternate between the two kinds, timed one call at a time:
 *   Shampoo without refresh: the factors G Gᵀ, Gᵀ G updated and the direction L̃ G R̃ (grafted)
 *     applied with the stored roots; with refresh: also two inverse 4th roots by eigh;
 *   SOAP without refresh: Adam in the stored eigenbasis; with refresh: also est = diag(Qᵀ GG Q) and
 *     Q ← qr(GG Q) for each side (the kernels' blocked Householder QR on the fused path);
 *   the refresh alone: (L + εI)^{-1/4} of an N x N SPD factor by eigh (inverseRootEigh: eigh +
 *     Q diag Qᵀ on gemm) vs one bare eigh of the same factor; the same root by the coupled Newton
 *     iteration (inverseRootNewton on gemm, one call); SOAP's QR of an N x N matrix on the kernels
 *     (kernelHouseholderQ) vs the plain-loop householderQ (one call) and vs eigh.
 * The steps run on the kernels' gemm (`impl: 'fused'`, the default). Against the plain-loop
 * reference (`impl: 'reference'`) they are compared at REF_N = 512, not 1024: a reference step at
 * 1024 takes ~47 s (O(N³) loops), at 512 about an eighth of that, so the suite ends in a few
 * minutes. MATRIX_REF_N=1024 times the reference at the full size (one sample each, ~8 min in all).
 * Fused: median of 3 calls of each kind after the warm-up calls; reference: one call of each.
 * Wall time. No targets; the ratios are printed.
 */
import {
  gemmProduct,
  householderQ,
  inverseRootEigh,
  inverseRootNewton,
  kernelHouseholderQ,
  type Optimizer,
  type Param,
  param,
  Shampoo,
  SOAP,
} from '@descent/core';
import { eigh } from '@descent/kernels';
import { report, type Timing, time } from '../harness.js';
import { randomF32 } from '../random.js';

const N = 1024;
const REF_N = Number(process.env.MATRIX_REF_N ?? 512);

const FAST = { samples: 3, warmup: 1, minBatch: 0 };

type Make = (p: Param, impl: 'fused' | 'reference') => Optimizer<{ lr: number }>;

function matrixParam(n: number) {
  const p = param(randomF32(n * n, 7), { shape: [n, n] });
  p.grad.set(randomF32(n * n, 8));
  return p;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * step() of the optimizer `make` builds (preconditionFrequency 2) over a fresh n x n parameter:
 * `untimed` calls first (warm-up: Shampoo's grafting step and first refresh, SOAP's basis build),
 * then `pairs` pairs of timed calls, the first of each pair without refresh, the second with one.
 * Returns the median time of each kind (`pairs` 1: one sample each).
 */
async function stepPair(
  label: string,
  n: number,
  impl: 'fused' | 'reference',
  untimed: number,
  pairs: number,
  make: Make,
): Promise<[Timing, Timing]> {
  const p = matrixParam(n);
  const opt = make(p, impl);
  for (let i = 0; i < untimed; i++) opt.step();
  const without: number[] = [];
  const withRefresh: number[] = [];
  for (let i = 0; i < pairs; i++) {
    for (const out of [without, withRefresh]) {
      const t0 = performance.now();
      opt.step();
      out.push((performance.now() - t0) / 1000);
    }
  }
  opt.free();
  p.free();
  const side = impl === 'fused' ? '(gemm)' : '(reference)';
  return [
    { name: `${label} no refresh ${side} ${n}`, seconds: median(without) },
    { name: `${label} with refresh ${side} ${n}`, seconds: median(withRefresh) },
  ];
}

/** One optimizer: both kinds of step at N, then each fused vs reference at REF_N. */
async function stepCase(label: string, untimed: number, make: Make): Promise<[Timing, Timing]> {
  const big = await stepPair(label, N, 'fused', untimed, 3, make);
  report(`${label} step, ${N} x ${N} (ratio = with refresh / without)`, big[0], [big[1]]);
  const fused = await stepPair(label, REF_N, 'fused', untimed, 3, make);
  const ref = await stepPair(label, REF_N, 'reference', untimed, 1, make);
  report(`${label} step without refresh, ${REF_N} x ${REF_N}, vs the plain-loop reference`, fused[0], [
    ref[0],
  ]);
  report(`${label} step with refresh, ${REF_N} x ${REF_N}, vs the plain-loop reference`, fused[1], [ref[1]]);
  return big;
}

async function refreshCase(): Promise<Timing> {
  const G = Float64Array.from(randomF32(N * N, 9));
  const L = gemmProduct(G, N, N, G, N, N, false, true);
  const viaEigh = await time(
    `descent inverseRootEigh ${N}`,
    () => inverseRootEigh(L, N, 4, 1e-6, gemmProduct),
    FAST,
  );
  const bare = await time(
    `descent eigh ${N} (values, vectors)`,
    () => eigh({ rows: N, cols: N, data: L }),
    FAST,
  );
  report(`Shampoo preconditioner refresh (one side), ${N} x ${N} (ratio = eigh / refresh)`, viaEigh, [bare]);
  const once = { samples: 1, warmup: 0, minBatch: 0 };
  const newton = await time(
    `descent inverseRootNewton ${N} (gemm)`,
    () => inverseRootNewton(L, N, 4, 1e-6, gemmProduct),
    once,
  );
  report(`Shampoo root by coupled Newton, ${N} x ${N} (ratio = eigh-root / Newton-root)`, newton, [viaEigh]);
  const GL = gemmProduct(L, N, N, G, N, N); // a GG Q-like product, as SOAP's refresh factors
  const qrKernels = await time(`descent kernelHouseholderQ ${N}`, () => kernelHouseholderQ(GL, N), FAST);
  const qrLoops = await time(`descent householderQ ${N} (plain loops)`, () => householderQ(GL, N), once);
  report(`SOAP refresh's QR, ${N} x ${N} (ratio = plain loops / kernels)`, qrKernels, [qrLoops]);
  report(`SOAP refresh's QR vs one bare eigh, ${N} x ${N} (ratio = eigh / QR)`, qrKernels, [bare]);
  return bare;
}

export async function run(): Promise<void> {
  const bare = await refreshCase();
  // Shampoo: step 1 grafts (no root yet), step 2 refreshes; then odd steps reuse the roots
  const shampoo = await stepCase('Shampoo', 2, (p, impl) => {
    return new Shampoo([p], { impl, preconditionFrequency: 2, eps: 1e-6 });
  });
  report(`Shampoo step with refresh vs one bare eigh, ${N} x ${N} (ratio = eigh / step)`, shampoo[1], [bare]);
  // SOAP: call 0 builds the bases; then odd calls reuse them, even calls refresh (qr(GG Q))
  const soap = await stepCase('SOAP', 1, (p, impl) => new SOAP([p], { impl, preconditionFrequency: 2 }));
  report(`SOAP step with refresh vs one bare eigh, ${N} x ${N} (ratio = eigh / step)`, soap[1], [bare]);
}
