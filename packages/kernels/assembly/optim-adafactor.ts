/**
 * Adafactor's kernels (torch.optim.Adafactor, Shazeer & Stern 2018), generic over f32/f64.
 *
 *   g   = s·∇f                                       s = -1 with maximize
 *   w   = t^τ  (= 1 - β̂2_t, τ = beta2Decay),  lerp(a, b, w) = a + w·(b - a)   (torch's lerp)
 *   vectors:   v = lerp(v, g², w)
 *   matrices:  R = lerp(R, mean_j g², w),  C = lerp(C, mean_i g², w),  v_ij = R_i·C_j / max(mean R, ε1)
 *   U   = g / √max(v, ε1²),    α = max(ε2, RMS(θ))·min(η, 1/√t),    θ = θ·(1 - ηλ) - α·U / max(1, RMS(U)/d)
 *
 * The update needs RMS(U) before it can touch θ, so a step is two passes for a vector (statistics,
 * update) and three for a matrix (row/column statistics, RMS(U), update); U is recomputed rather
 * than stored. torch's lerp is `w < 0.5 ? a + w·(b - a) : b - (b - a)·(1 - w)`; the kernels write it
 * as base + k·(b - a) with (base, k) = (a, w) or (b, -(1 - w)), `high` = 1 selecting the second.
 * Matrices are row-major rows x cols; the caller loops over leading (batch) dimensions.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

// @ts-ignore: decorator
@inline function laneSum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  }
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

// @ts-ignore: decorator
@inline function lerpK<T>(w: T, high: i32): T {
  return high ? -(<T>1 - w) : w;
}

// @ts-ignore: decorator
@inline function lerp<T>(a: T, b: T, k: T, high: i32): T {
  return (high ? b : a) + k * (b - a);
}

/**
 * Vector statistics: v = lerp(v, g², w); writes out[0] = Σθ², out[1] = ΣU² with U = g / √max(v, ε1²).
 * Reads param, grad; reads and writes v; writes out (2 elements).
 */
function adafactorVectorStats<T>(n: i32, param: usize, grad: usize, v: usize, w: T, high: i32, eps1sq: T, gsign: T, out: usize): void {
  const L = lanes<T>();
  const k = lerpK<T>(w, high);
  const vk = v128.splat<T>(k);
  const vs = v128.splat<T>(gsign);
  const veps = v128.splat<T>(eps1sq);
  const mask = high ? v128.splat<i32>(-1) : v128.splat<i32>(0);
  let accP = v128.splat<T>(0);
  let accU = v128.splat<T>(0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const p = v128.load(param + o);
    accP = v128.add<T>(accP, v128.mul<T>(p, p));
    const g = v128.mul<T>(vs, v128.load(grad + o));
    const g2 = v128.mul<T>(g, g);
    const a = v128.load(v + o);
    const nv = v128.add<T>(v128.bitselect(g2, a, mask), v128.mul<T>(vk, v128.sub<T>(g2, a)));
    v128.store(v + o, nv);
    const u = v128.mul<T>(v128.div<T>(v128.splat<T>(1), v128.sqrt<T>(v128.max<T>(nv, veps))), g);
    accU = v128.add<T>(accU, v128.mul<T>(u, u));
  }
  let sp = laneSum<T>(accP);
  let su = laneSum<T>(accU);
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const p = load<T>(param + o);
    sp += p * p;
    const g = gsign * load<T>(grad + o);
    const nv = lerp<T>(load<T>(v + o), g * g, k, high);
    store<T>(v + o, nv);
    const u = (<T>1 / sqrt<T>(max<T>(nv, eps1sq))) * g;
    su += u * u;
  }
  store<T>(out, sp);
  store<T>(out + sizeof<T>(), su);
}

/** Vector update: θ = θ·decay + negScale·U, U = g / √max(v, ε1²). Reads grad, v; reads and writes param. */
function adafactorVectorApply<T>(n: i32, param: usize, grad: usize, v: usize, eps1sq: T, gsign: T, decay: T, negScale: T): void {
  const L = lanes<T>();
  const vs = v128.splat<T>(gsign);
  const veps = v128.splat<T>(eps1sq);
  const vdecay = v128.splat<T>(decay);
  const vscale = v128.splat<T>(negScale);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    const g = v128.mul<T>(vs, v128.load(grad + o));
    const u = v128.mul<T>(v128.div<T>(v128.splat<T>(1), v128.sqrt<T>(v128.max<T>(v128.load(v + o), veps))), g);
    v128.store(param + o, v128.add<T>(v128.mul<T>(v128.load(param + o), vdecay), v128.mul<T>(vscale, u)));
  }
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    const g = gsign * load<T>(grad + o);
    const u = (<T>1 / sqrt<T>(max<T>(load<T>(v + o), eps1sq))) * g;
    store<T>(param + o, load<T>(param + o) * decay + negScale * u);
  }
}

/**
 * Matrix statistics for one rows x cols matrix: R_i = lerp(R_i, mean_j g_ij², w),
 * C_j = lerp(C_j, mean_i g_ij², w). `colSum` (cols elements) is scratch. Returns Σθ².
 * Reads param, grad; reads and writes rowVar (rows), colVar (cols), colSum.
 */
function adafactorMatrixStats<T>(
  rows: i32, cols: i32, param: usize, grad: usize, rowVar: usize, colVar: usize, colSum: usize,
  w: T, high: i32, gsign: T,
): T {
  const L = lanes<T>();
  const k = lerpK<T>(w, high);
  const vs = v128.splat<T>(gsign);
  const rowBytes = <usize>cols * sizeof<T>();
  memory.fill(colSum, 0, rowBytes);
  let accP = v128.splat<T>(0);
  let sp: T = 0;
  for (let r = 0; r < rows; r++) {
    const pr = param + <usize>r * rowBytes;
    const gr = grad + <usize>r * rowBytes;
    let accR = v128.splat<T>(0);
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const p = v128.load(pr + o);
      accP = v128.add<T>(accP, v128.mul<T>(p, p));
      const g = v128.mul<T>(vs, v128.load(gr + o));
      const g2 = v128.mul<T>(g, g);
      accR = v128.add<T>(accR, g2);
      v128.store(colSum + o, v128.add<T>(v128.load(colSum + o), g2));
    }
    let sr = laneSum<T>(accR);
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const p = load<T>(pr + o);
      sp += p * p;
      const g = gsign * load<T>(gr + o);
      const g2 = g * g;
      sr += g2;
      store<T>(colSum + o, load<T>(colSum + o) + g2);
    }
    const ro = rowVar + <usize>r * sizeof<T>();
    store<T>(ro, lerp<T>(load<T>(ro), sr / <T>cols, k, high));
  }
  for (let j = 0; j < cols; j++) {
    const o = <usize>j * sizeof<T>();
    store<T>(colVar + o, lerp<T>(load<T>(colVar + o), load<T>(colSum + o) / <T>rows, k, high));
  }
  return sp + laneSum<T>(accP);
}

/**
 * Σ U_ij² for one matrix, U_ij = g_ij / √max(R_i·C_j / rowMean, ε1²), rowMean = max(mean R, ε1)
 * from the caller. Reads grad, rowVar, colVar.
 */
function adafactorMatrixRms<T>(rows: i32, cols: i32, grad: usize, rowVar: usize, colVar: usize, rowMean: T, eps1sq: T, gsign: T): T {
  const L = lanes<T>();
  const vs = v128.splat<T>(gsign);
  const veps = v128.splat<T>(eps1sq);
  const vmean = v128.splat<T>(rowMean);
  const rowBytes = <usize>cols * sizeof<T>();
  let acc = v128.splat<T>(0);
  let s: T = 0;
  for (let r = 0; r < rows; r++) {
    const gr = grad + <usize>r * rowBytes;
    const ri = load<T>(rowVar + <usize>r * sizeof<T>());
    const vri = v128.splat<T>(ri);
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const v = v128.div<T>(v128.mul<T>(vri, v128.load(colVar + o)), vmean);
      const u = v128.mul<T>(v128.div<T>(v128.splat<T>(1), v128.sqrt<T>(v128.max<T>(v, veps))), v128.mul<T>(vs, v128.load(gr + o)));
      acc = v128.add<T>(acc, v128.mul<T>(u, u));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const v = (ri * load<T>(colVar + o)) / rowMean;
      const u = (<T>1 / sqrt<T>(max<T>(v, eps1sq))) * (gsign * load<T>(gr + o));
      s += u * u;
    }
  }
  return s + laneSum<T>(acc);
}

/** Matrix update: θ_ij = θ_ij·decay + negScale·U_ij (U as in adafactorMatrixRms). Reads grad, rowVar, colVar; reads and writes param. */
function adafactorMatrixApply<T>(
  rows: i32, cols: i32, param: usize, grad: usize, rowVar: usize, colVar: usize,
  rowMean: T, eps1sq: T, gsign: T, decay: T, negScale: T,
): void {
  const L = lanes<T>();
  const vs = v128.splat<T>(gsign);
  const veps = v128.splat<T>(eps1sq);
  const vmean = v128.splat<T>(rowMean);
  const vdecay = v128.splat<T>(decay);
  const vscale = v128.splat<T>(negScale);
  const rowBytes = <usize>cols * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const gr = grad + <usize>r * rowBytes;
    const pr = param + <usize>r * rowBytes;
    const ri = load<T>(rowVar + <usize>r * sizeof<T>());
    const vri = v128.splat<T>(ri);
    let j = 0;
    for (; j + L <= cols; j += L) {
      const o = <usize>j * sizeof<T>();
      const v = v128.div<T>(v128.mul<T>(vri, v128.load(colVar + o)), vmean);
      const u = v128.mul<T>(v128.div<T>(v128.splat<T>(1), v128.sqrt<T>(v128.max<T>(v, veps))), v128.mul<T>(vs, v128.load(gr + o)));
      v128.store(pr + o, v128.add<T>(v128.mul<T>(v128.load(pr + o), vdecay), v128.mul<T>(vscale, u)));
    }
    for (; j < cols; j++) {
      const o = <usize>j * sizeof<T>();
      const v = (ri * load<T>(colVar + o)) / rowMean;
      const u = (<T>1 / sqrt<T>(max<T>(v, eps1sq))) * (gsign * load<T>(gr + o));
      store<T>(pr + o, load<T>(pr + o) * decay + negScale * u);
    }
  }
}

export function adafactorVectorStats_f32(n: i32, param: usize, grad: usize, v: usize, w: f32, high: i32, eps1sq: f32, gsign: f32, out: usize): void {
  adafactorVectorStats<f32>(n, param, grad, v, w, high, eps1sq, gsign, out);
}
export function adafactorVectorStats_f64(n: i32, param: usize, grad: usize, v: usize, w: f64, high: i32, eps1sq: f64, gsign: f64, out: usize): void {
  adafactorVectorStats<f64>(n, param, grad, v, w, high, eps1sq, gsign, out);
}
export function adafactorVectorApply_f32(n: i32, param: usize, grad: usize, v: usize, eps1sq: f32, gsign: f32, decay: f32, negScale: f32): void {
  adafactorVectorApply<f32>(n, param, grad, v, eps1sq, gsign, decay, negScale);
}
export function adafactorVectorApply_f64(n: i32, param: usize, grad: usize, v: usize, eps1sq: f64, gsign: f64, decay: f64, negScale: f64): void {
  adafactorVectorApply<f64>(n, param, grad, v, eps1sq, gsign, decay, negScale);
}
export function adafactorMatrixStats_f32(rows: i32, cols: i32, param: usize, grad: usize, rowVar: usize, colVar: usize, colSum: usize, w: f32, high: i32, gsign: f32): f32 {
  return adafactorMatrixStats<f32>(rows, cols, param, grad, rowVar, colVar, colSum, w, high, gsign);
}
export function adafactorMatrixStats_f64(rows: i32, cols: i32, param: usize, grad: usize, rowVar: usize, colVar: usize, colSum: usize, w: f64, high: i32, gsign: f64): f64 {
  return adafactorMatrixStats<f64>(rows, cols, param, grad, rowVar, colVar, colSum, w, high, gsign);
}
export function adafactorMatrixRms_f32(rows: i32, cols: i32, grad: usize, rowVar: usize, colVar: usize, rowMean: f32, eps1sq: f32, gsign: f32): f32 {
  return adafactorMatrixRms<f32>(rows, cols, grad, rowVar, colVar, rowMean, eps1sq, gsign);
}
export function adafactorMatrixRms_f64(rows: i32, cols: i32, grad: usize, rowVar: usize, colVar: usize, rowMean: f64, eps1sq: f64, gsign: f64): f64 {
  return adafactorMatrixRms<f64>(rows, cols, grad, rowVar, colVar, rowMean, eps1sq, gsign);
}
export function adafactorMatrixApply_f32(rows: i32, cols: i32, param: usize, grad: usize, rowVar: usize, colVar: usize, rowMean: f32, eps1sq: f32, gsign: f32, decay: f32, negScale: f32): void {
  adafactorMatrixApply<f32>(rows, cols, param, grad, rowVar, colVar, rowMean, eps1sq, gsign, decay, negScale);
}
export function adafactorMatrixApply_f64(rows: i32, cols: i32, param: usize, grad: usize, rowVar: usize, colVar: usize, rowMean: f64, eps1sq: f64, gsign: f64, decay: f64, negScale: f64): void {
  adafactorMatrixApply<f64>(rows, cols, param, grad, rowVar, colVar, rowMean, eps1sq, gsign, decay, negScale);
}
