/**
 * The relaxed-SIMD build against the plain one, both loaded side by side (test-support/two-builds.ts).
 * Runs under vitest.relaxed.config.ts (Node 20 with --experimental-wasm-relaxed-simd); skipped where
 * the engine does not validate the relaxed build.
 *
 * The tolerance. Both builds run gemm with the same blocking, so each C[i, j] is the same chain of
 * k multiply-adds in the same order; they differ only in that the relaxed build rounds once per
 * multiply-add (FMA) where the plain one rounds the product and then the sum. Each build satisfies
 * the standard dot-product bound (Higham, Accuracy and Stability, §3.1):
 *
 *   |Ĉ − C| ≤ γ_{k+2} (|α| Σ_p |A[i, p]| |B[p, j]| + |β| |C0[i, j]|),   γ_n = n u / (1 − n u),
 *
 * (k roundings along the chain, one for α, one for β's multiply-add; u = 2⁻²⁴ in f32, 2⁻⁵³ in f64),
 * so the two builds differ by at most twice that. Optimizer updates and the NN primitives do not use
 * the fused operation: their results must be the same bits in both builds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gemm } from './gemm.js';
import { matrixFrom } from './matrix.js';
import { randomArray } from './test-support/random.js';
import { type Build, type Instance, instantiate, relaxedAvailable } from './test-support/two-builds.js';

type Dt = 'f32' | 'f64';
const U: Record<Dt, number> = { f32: 2 ** -24, f64: 2 ** -53 };
const Ctor: Record<Dt, new (n: number) => Float32Array | Float64Array> = {
  f32: Float32Array,
  f64: Float64Array,
};
const gamma = (n: number, dt: Dt) => (n * U[dt]) / (1 - n * U[dt]);

/** The hardware has FMA, so V8 fuses relaxed_madd (arm64 always; x64 with FMA3). */
function hardwareFma(): boolean {
  if (process.arch === 'arm64') return true;
  return existsSync('/proc/cpuinfo') && /\bfma\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
}

const relaxed = relaxedAvailable();
const builds: Record<Build, Instance> | undefined = relaxed
  ? { plain: instantiate('plain'), relaxed: instantiate('relaxed') }
  : undefined;

interface GemmCase {
  dt: Dt;
  m: number;
  n: number;
  k: number;
  tA: boolean;
  tB: boolean;
  alpha: number;
  beta: number;
  a: Float32Array | Float64Array;
  b: Float32Array | Float64Array;
  c: Float32Array | Float64Array;
}

function gemmCase(
  dt: Dt,
  [m, n, k]: number[],
  tA: boolean,
  tB: boolean,
  alpha: number,
  beta: number,
  seed: number,
): GemmCase {
  const C = Ctor[dt];
  return {
    dt,
    m,
    n,
    k,
    tA,
    tB,
    alpha,
    beta,
    a: randomArray(C, m * k, seed),
    b: randomArray(C, k * n, seed + 1),
    c: randomArray(C, m * n, seed + 2),
  };
}

function runGemm(inst: Instance, g: GemmCase): Float32Array | Float64Array {
  const sz = g.dt === 'f32' ? 4 : 8;
  const a = inst.put(g.a);
  const b = inst.put(g.b);
  const c = inst.put(g.c);
  const scratch = inst.alloc(inst.call(`gemm_scratch_${g.dt}`, g.m, g.n, g.k) * sz);
  inst.call(`gemm_${g.dt}`, +g.tA, +g.tB, g.m, g.n, g.k, g.alpha, a, b, g.beta, c, scratch);
  return inst[g.dt](c, g.m * g.n);
}

/** Per element: γ_{k+2} (|α| Σ_p |a||b| + |β| |c0|), computed in f64. */
function gemmBound(g: GemmCase): Float64Array {
  const { m, n, k, tA, tB } = g;
  const out = new Float64Array(m * n);
  const gk = gamma(k + 2, g.dt);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += Math.abs((tA ? g.a[p * m + i] : g.a[i * k + p]) * (tB ? g.b[j * k + p] : g.b[p * n + j]));
      out[i * n + j] = gk * (Math.abs(g.alpha) * s + (g.beta === 0 ? 0 : Math.abs(g.beta * g.c[i * n + j])));
    }
  return out;
}

/** Naive f64 C = α op(A) op(B) + β C0 (the exact answer, up to f64 rounding, for f32 inputs). */
function gemmExact(g: GemmCase): Float64Array {
  const { m, n, k, tA, tB } = g;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (tA ? g.a[p * m + i] : g.a[i * k + p]) * (tB ? g.b[j * k + p] : g.b[p * n + j]);
      out[i * n + j] = g.alpha * s + (g.beta === 0 ? 0 : g.beta * g.c[i * n + j]);
    }
  return out;
}

/** The largest |x − y| / bound over the elements (≤ 1 passes), and how many elements differ at all. */
function worstRatio(x: ArrayLike<number>, y: ArrayLike<number>, bound: Float64Array, factor: number) {
  let worst = 0;
  let differ = 0;
  for (let i = 0; i < bound.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d !== 0) differ++;
    const r = d === 0 ? 0 : d / (factor * bound[i]);
    if (!(r <= worst)) worst = r;
  }
  return { worst, differ };
}

// The single-block path (n a multiple of NR, k <= 256), its m % 4 remainder, the general path with
// and without pre-broadcast A, edges, and two k blocks (k > KC = 256).
const shapes = [
  [4, 8, 2],
  [32, 128, 64],
  [7, 16, 5],
  [33, 24, 64],
  [129, 65, 33],
  [5, 2049, 3],
  [12, 8, 257],
  [64, 96, 300],
  [1, 19, 7],
];
const transposes = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
const scalars = [
  [1, 0],
  [-1.5, 0],
  [0.5, -0.75],
];

describe.skipIf(!relaxed)('relaxed-SIMD build', () => {
  const { plain, relaxed: fused } = builds ?? ({} as Record<Build, Instance>);

  it('rounds gemm multiply-adds once where the hardware has FMA, and the plain build twice', () => {
    // p = 0 adds -(1 + 2^-e) exactly; p = 1 adds (1 + 2^-e')^2 = 1 + 2^(1-e') + 2^(-2e'), whose last
    // term a rounded product loses: plain gives 0, one rounding keeps 2^(-2e').
    for (const [dt, e] of [
      ['f32', 12],
      ['f64', 27],
    ] as const) {
      const x = 1 + 2 ** -e;
      const a = new Ctor[dt](4 * 2);
      const b = new Ctor[dt](2 * 8);
      for (let i = 0; i < 4; i++) a.set([1 + 2 ** (1 - e), x], 2 * i);
      b.fill(-1, 0, 8);
      b.fill(x, 8, 16);
      const g: GemmCase = {
        dt,
        m: 4,
        n: 8,
        k: 2,
        tA: false,
        tB: false,
        alpha: 1,
        beta: 0,
        a,
        b,
        c: new Ctor[dt](32),
      };
      expect([...runGemm(plain, g)]).toEqual(new Array(32).fill(0));
      const want = hardwareFma() ? 2 ** (-2 * e) : 0;
      expect([...runGemm(fused, g)], `${dt}: FMA ${hardwareFma()}`).toEqual(new Array(32).fill(want));
    }
  });

  it('the kernels behind the public API are the build DESCENT_SIMD names', () => {
    // The same probe through gemm(): 2^-24 from the fused build, 0 from the plain one.
    const x = 1 + 2 ** -12;
    const a = new Float32Array(8);
    for (let i = 0; i < 4; i++) a.set([1 + 2 ** -11, x], 2 * i);
    const b = new Float32Array(16).fill(-1, 0, 8).fill(x, 8, 16);
    const C = matrixFrom(4, 8, new Float32Array(32));
    gemm(matrixFrom(4, 2, a), matrixFrom(2, 8, b), C);
    const fusedInUse = process.env.DESCENT_SIMD === 'relaxed' && hardwareFma();
    expect(C.data.toArray()[0], `DESCENT_SIMD=${process.env.DESCENT_SIMD}`).toBe(fusedInUse ? 2 ** -24 : 0);
  });

  for (const dt of ['f32', 'f64'] as const) {
    it(`gemm ${dt} agrees with the plain build within 2 γ_(k+2) (|α| Σ|a||b| + |β||c|), on every path`, () => {
      let seed = 1;
      let differ = 0;
      for (const shape of shapes)
        for (const [tA, tB] of transposes)
          for (const [alpha, beta] of scalars) {
            const g = gemmCase(dt, shape, tA, tB, alpha, beta, (seed += 3));
            const r = worstRatio(runGemm(fused, g), runGemm(plain, g), gemmBound(g), 2);
            expect(r.worst, `${dt} ${shape} tA=${tA} tB=${tB} α=${alpha} β=${beta}`).toBeLessThanOrEqual(1);
            differ += r.differ;
          }
      // The fused build is really in use: some low bits differ (none would without FMA hardware).
      if (hardwareFma()) expect(differ).toBeGreaterThan(0);
    });
  }

  it('gemm f32 in the relaxed build is within γ_(k+2) (|α| Σ|a||b| + |β||c|) of the exact product', () => {
    let seed = 100;
    for (const shape of shapes)
      for (const [tA, tB] of transposes) {
        const g = gemmCase('f32', shape, tA, tB, 0.5, -0.75, (seed += 3));
        const r = worstRatio(runGemm(fused, g), gemmExact(g), gemmBound(g), 1);
        expect(r.worst, `${shape} tA=${tA} tB=${tB}`).toBeLessThanOrEqual(1);
      }
  });

  it('a convolution (im2col, then gemm) agrees with the plain build within the gemm bound at k = C kH kW', () => {
    // x [3, 17, 15], 3x3 kernel, stride 1, padding 1 -> cols [27, 255]; weight [8, 27].
    const [C, H, W, kH, kW, Cout] = [3, 17, 15, 3, 3, 8];
    const x = randomArray(Float32Array, C * H * W, 7);
    const weight = randomArray(Float32Array, Cout * C * kH * kW, 8);
    const K = C * kH * kW;
    const N = H * W;
    const out = (inst: Instance) => {
      const px = inst.put(x);
      const cols = inst.alloc(K * N * 4);
      inst.call('im2col_f32', C, H, W, kH, kW, 1, 1, 1, 1, 1, 1, H, W, px, cols);
      const colsArr = inst.f32(cols, K * N);
      const g: GemmCase = {
        dt: 'f32',
        m: Cout,
        n: N,
        k: K,
        tA: false,
        tB: false,
        alpha: 1,
        beta: 0,
        a: weight,
        b: colsArr,
        c: new Float32Array(Cout * N),
      };
      return { cols: colsArr, y: runGemm(inst, g), g };
    };
    const p = out(plain);
    const r = out(fused);
    expect(r.cols).toEqual(p.cols);
    expect(worstRatio(r.y, p.y, gemmBound(p.g), 2).worst).toBeLessThanOrEqual(1);
  });

  describe('optimizer updates are the same bits in both builds', () => {
    const n = 1031; // v128 body and a scalar tail
    /** Runs `steps` updates from the same state in a build; returns the state's bytes. */
    function run(
      inst: Instance,
      dt: Dt,
      slots: number,
      step: (ptrs: number[], t: number) => void,
      steps = 3,
    ) {
      const ptrs = [];
      for (let s = 0; s < slots; s++)
        ptrs.push(inst.put(randomArray(Ctor[dt], n, 40 + s).map((v) => (s >= 2 ? Math.abs(v) : v))));
      const gradSeeds = [];
      for (let t = 0; t < steps; t++) {
        gradSeeds.push(inst.put(randomArray(Ctor[dt], n, 90 + t)));
      }
      for (let t = 0; t < steps; t++) {
        step([ptrs[0], gradSeeds[t], ...ptrs.slice(2)], t);
      }
      // Compared as bytes: the same bits, -0 and NaN payloads included.
      return ptrs.filter((_, s) => s !== 1).map((ptr) => new Uint8Array(inst[dt](ptr, n).buffer));
    }
    const cases: [string, number, (inst: Instance, dt: Dt) => (ptrs: number[], t: number) => void][] = [
      [
        'Adam',
        4,
        (i, dt) =>
          ([p, g, m, v]) =>
            i.call(`adam_${dt}`, n, p, g, m, v, 0, 0.1, 0.999, 0.001, 1e-3, 1.2, 1e-8, 0, 1, 1, 0),
      ],
      [
        'AdamW + AMSGrad',
        5,
        (i, dt) =>
          ([p, g, m, v, vmax]) =>
            i.call(`adam_${dt}`, n, p, g, m, v, vmax, 0.1, 0.999, 0.001, 1e-3, 1.2, 1e-8, 0, 0.999, 1, 1),
      ],
      [
        'Adam with L2 and maximize',
        4,
        (i, dt) =>
          ([p, g, m, v]) =>
            i.call(`adam_${dt}`, n, p, g, m, v, 0, 0.1, 0.999, 0.001, 1e-3, 1.2, 1e-8, 0.01, 1, -1, 0),
      ],
      [
        'SGD with Nesterov momentum',
        3,
        (i, dt) =>
          ([p, g, b], t) =>
            i.call(`sgd_${dt}`, n, p, g, b, 0.01, 0.9, 1, 1e-4, 1, 1 | 2 | (t === 0 ? 4 : 0)),
      ],
      [
        'Lion',
        3,
        (i, dt) =>
          ([p, g, m]) =>
            i.call(`lion_${dt}`, n, p, g, m, 1e-4, 0.9, 0.99, 0.999, 1),
      ],
      [
        'Adagrad',
        3,
        (i, dt) =>
          ([p, g, sum]) =>
            i.call(`adagrad_${dt}`, n, p, g, sum, 0.01, 1e-10, 1e-4, 1),
      ],
    ];
    for (const dt of ['f32', 'f64'] as const)
      for (const [name, slots, make] of cases)
        it(`${name} ${dt}`, () => {
          expect(run(fused, dt, slots, make(fused, dt))).toEqual(run(plain, dt, slots, make(plain, dt)));
        });
  });

  it('the NN primitives (activations, softmax, bias add) are the same bits in both builds', () => {
    const n = 1031;
    const x = randomArray(Float32Array, n, 5).map((v) => 6 * v);
    const outs = (inst: Instance) => {
      const px = inst.put(x);
      const y = inst.alloc(n * 4);
      const got: Uint8Array[] = [];
      for (const f of ['relu_f32', 'sigmoid_f32', 'tanh_f32']) {
        inst.call(f, n, px, y);
        got.push(new Uint8Array(inst.f32(y, n).buffer));
      }
      for (const t of [0, 1]) {
        inst.call('gelu_f32', n, px, y, t);
        got.push(new Uint8Array(inst.f32(y, n).buffer));
      }
      inst.call('softmax_f32', 1, n, px, y);
      got.push(new Uint8Array(inst.f32(y, n).buffer));
      inst.call('biasAdd_f32', 1, n, y, px);
      got.push(new Uint8Array(inst.f32(y, n).buffer));
      return got;
    };
    expect(outs(fused)).toEqual(outs(plain));
  });

  it('dot and gemv (both transposes) are the same bits in both builds', () => {
    const [m, n] = [37, 61];
    const a = randomArray(Float64Array, m * n, 11);
    const x = randomArray(Float64Array, Math.max(m, n), 12);
    const outs = (inst: Instance) => {
      const got: number[] = [];
      for (const dt of ['f32', 'f64'] as const) {
        const as = (v: Float64Array) => (dt === 'f32' ? Float32Array.from(v) : Float64Array.from(v));
        const [pa, px] = [inst.put(as(a)), inst.put(as(x))];
        got.push(inst.call(`dot_${dt}`, m * n, pa, pa));
        for (const trans of [0, 1]) {
          const len = trans ? n : m;
          const py = inst.put(as(x.subarray(0, len)));
          inst.call(`gemv_${dt}`, trans, m, n, 0.75, pa, px, -0.5, py);
          got.push(...inst[dt](py, len));
        }
      }
      return new Uint8Array(Float64Array.from(got).buffer);
    };
    expect(outs(fused)).toEqual(outs(plain));
  });
});
