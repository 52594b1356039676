/**
 * One epoch of SAGA and of SVRG (n = 200 examples, least squares with dense rows, d = 1e3 and 1e4,
 * f64): core's `saga` / `svrg` (vector updates as kernel axpy/copy calls, θ and ∇fⱼ copied across
 * to the user's term as plain arrays) vs the same method written as one fused plain-JS loop over
 * Float64Arrays. Both call the same `term` (core's fromDataset, two JS passes over a row), so the
 * difference is the per-step vector work: SAGA's three axpy on θ, two on ᾱ and a table copy; SVRG's
 * three axpy. Ours also evaluates f once per epoch for its history (the plain loops do not); SAGA's
 * table fill (epochs: 0) is timed apart and subtracted. No target is set: the ratio shows what the
 * kernel calls buy at this size (one run on a shared 2-core machine: SAGA 1.2x at d = 1e3 and 1.9x at
 * d = 1e4, SVRG 1.05x and 1.7x).
 */
import { type FiniteSum, fromDataset, saga, svrg } from '@descent/core';
import { report, time } from '../harness.js';

const N = 200;
const SIZES = [1e3, 1e4];

function problem(d: number): FiniteSum {
  let s = 1;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const X = Float64Array.from({ length: N * d }, rand);
  const y = Float64Array.from({ length: N }, rand);
  return fromDataset({ X, y, model: 'least-squares', intercept: false });
}

/** SAGA over plain arrays, one fused loop per step: θ −= η(g − αⱼ + ᾱ), ᾱ += (g − αⱼ)/n, αⱼ = g. */
function jsSaga(fs: FiniteSum, lr: number): () => void {
  const { n, dim: d } = fs;
  const theta = new Float64Array(d);
  const table = Array.from({ length: n }, () => new Float64Array(d));
  const mean = new Float64Array(d);
  const g = new Float64Array(d);
  let k = 0;
  return () => {
    for (let t = 0; t < n; t++) {
      const j = (k++ * 7919) % n;
      fs.term(theta, j, g);
      const a = table[j];
      for (let i = 0; i < d; i++) {
        const diff = g[i] - a[i];
        theta[i] -= lr * (diff + mean[i]);
        mean[i] += diff / n;
        a[i] = g[i];
      }
    }
  };
}

/** SVRG's inner loop over plain arrays (m = n steps after one full gradient). */
function jsSvrg(fs: FiniteSum, lr: number): () => void {
  const { n, dim: d } = fs;
  const theta = new Float64Array(d);
  const snap = new Float64Array(d);
  const mu = new Float64Array(d);
  const g = new Float64Array(d);
  const gs = new Float64Array(d);
  let k = 0;
  return () => {
    snap.set(theta);
    fs.full(snap, mu);
    for (let t = 0; t < n; t++) {
      const j = (k++ * 7919) % n;
      fs.term(theta, j, g);
      fs.term(snap, j, gs);
      for (let i = 0; i < d; i++) theta[i] -= lr * (g[i] - gs[i] + mu[i]);
    }
  };
}

export async function run(): Promise<void> {
  for (const d of SIZES) {
    const fs = problem(d);
    const lr = 1 / (10 * fs.lipschitzMax!);
    // one epoch per call; history's f evaluation (one full pass) is inside ours, as in real use
    const ours = await time('descent saga (kernels)', () => saga(fs, fs.x0, { lr, epochs: 1 }), {
      samples: 5,
    });
    const initTable = await time('descent saga, table fill alone', () => saga(fs, fs.x0, { lr, epochs: 0 }), {
      samples: 5,
    });
    const js = await time('plain JS SAGA epoch', jsSaga(fs, lr), { samples: 5 });
    report(`SAGA epoch, n = ${N}, d = ${d} (f64)`, { ...ours, seconds: ours.seconds - initTable.seconds }, [
      js,
    ]);
    const oursSvrg = await time('descent svrg (kernels)', () => svrg(fs, fs.x0, { lr, epochs: 1, m: N }), {
      samples: 5,
    });
    const jsS = await time('plain JS SVRG epoch', jsSvrg(fs, lr), { samples: 5 });
    report(`SVRG epoch (m = n), n = ${N}, d = ${d} (f64)`, oursSvrg, [jsS]);
  }
}
