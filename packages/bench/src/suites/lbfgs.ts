/**
 * L-BFGS iteration throughput, f32, at 1e4, 1e5 and 1e6 parameters, history 10, fixed step (no
 * line search), on the separable quadratic f = ½ Σ a_i x_i² (the closure's gradient a_i x_i is one
 * JS pass, the same in every contender). One timed call = one L-BFGS iteration with a full history:
 * the y/s update, the two-loop recursion (2m dot products and 2m axpys), the step and the closure.
 *   descent LBFGS.step() on the BLAS-1 kernels (ours, impl 'fused')
 *   vs descent LBFGS with impl 'reference' (plain loops over kernel-memory views)
 *   and a plain JS L-BFGS over Float32Arrays (torch's iteration, written out).
 * TF.js has no L-BFGS, so the plain JS loop is the outside peer. No target is set; the ratio shows
 * what the SIMD kernels buy on the vector work.
 */
import { LBFGS, type Param, param } from '@descent/core';
import { report, time } from '../harness.js';

const SIZES = [1e4, 1e5, 1e6];
const HISTORY = 10;
/** A step small enough that the runs stay far from convergence (where iterations get cheaper). */
const LR = 1e-5;

function curvatures(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 1 + (i % 97) / 10;
  return a;
}

function quadraticClosure(p: Param, a: Float32Array): () => number {
  return () => {
    const x = p.data as Float32Array;
    const g = p.grad as Float32Array;
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      g[i] = a[i] * x[i];
      f += 0.5 * a[i] * x[i] * x[i];
    }
    return f;
  };
}

/** torch's L-BFGS iteration (fixed step lr) over plain Float32Arrays, history m. */
function jsLbfgs(n: number, a: Float32Array, lr: number) {
  const x = new Float32Array(n).fill(1);
  const g = new Float32Array(n);
  const gPrev = new Float32Array(n);
  let d = new Float32Array(n);
  let t = 0;
  const S: Float32Array[] = [];
  const Y: Float32Array[] = [];
  const ro: number[] = [];
  const al = new Float64Array(HISTORY);
  let hDiag = 1;
  let first = true;
  const dot = (u: Float32Array, v: Float32Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[i] * v[i];
    return s;
  };
  const closure = () => {
    for (let i = 0; i < n; i++) g[i] = a[i] * x[i];
  };
  closure();
  return () => {
    if (first) {
      for (let i = 0; i < n; i++) d[i] = -g[i];
      first = false;
    } else {
      const y = new Float32Array(n);
      const s = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        y[i] = g[i] - gPrev[i];
        s[i] = d[i] * t;
      }
      const ys = dot(y, s);
      if (ys > 1e-10) {
        if (S.length === HISTORY) {
          S.shift();
          Y.shift();
          ro.shift();
        }
        S.push(s);
        Y.push(y);
        ro.push(1 / ys);
        hDiag = ys / dot(y, y);
      }
      const q = new Float32Array(n);
      for (let i = 0; i < n; i++) q[i] = -g[i];
      for (let k = S.length - 1; k >= 0; k--) {
        al[k] = dot(S[k], q) * ro[k];
        const yk = Y[k];
        for (let i = 0; i < n; i++) q[i] -= al[k] * yk[i];
      }
      for (let i = 0; i < n; i++) q[i] *= hDiag;
      for (let k = 0; k < S.length; k++) {
        const be = dot(Y[k], q) * ro[k];
        const sk = S[k];
        for (let i = 0; i < n; i++) q[i] += (al[k] - be) * sk[i];
      }
      d = q;
    }
    gPrev.set(g);
    t = lr;
    for (let i = 0; i < n; i++) x[i] += t * d[i];
    closure();
  };
}

export async function run(): Promise<void> {
  for (const n of SIZES) {
    const a = curvatures(n);
    const timings = [];
    for (const impl of ['fused', 'reference'] as const) {
      const p = param(new Float32Array(n).fill(1));
      // maxIter 2: one re-evaluating iteration per call (torch skips the closure on the last one)
      const opt = new LBFGS([p], {
        impl,
        lr: LR,
        maxIter: 2,
        historySize: HISTORY,
        toleranceGrad: 0,
        toleranceChange: 0,
      });
      const closure = quadraticClosure(p, a);
      for (let k = 0; k < HISTORY; k++) opt.step(closure); // fill the history
      timings.push(await time(`descent LBFGS.step() (${impl})`, () => opt.step(closure), { samples: 5 }));
      p.free();
    }
    const js = jsLbfgs(n, a, LR);
    for (let k = 0; k < 2 * HISTORY; k++) js();
    const jsTiming = await time(
      'plain JS L-BFGS iteration x2',
      () => {
        js();
        js();
      },
      { samples: 5 },
    );
    report(`L-BFGS, 2 iterations per call, history ${HISTORY}, n = ${n} (f32)`, timings[0], [
      timings[1],
      jsTiming,
    ]);
  }
}
