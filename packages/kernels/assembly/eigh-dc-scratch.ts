/**
 * The scratch layout of the divide and conquer (eigh-dc.ts, eigh-dc-merge.ts): its size for order n,
 * the pointers into it set by setup for one run, and the f64 / i32 load and store helpers.
 */
import { gemm_scratch_f64 } from './gemm';

/** f64 elements of scratch dc_f64 needs for order n (beyond d, off and z). */
export function dcScratch(n: i32): i32 {
  return 5 * n * n + 32 * n + gemm_scratch_f64(n, n + 3, n);
}

// Scratch layout, set by dc_f64 for one run.
export let N: i32 = 0;
export let LD: usize = 0;
export let D0: usize = 0; // d (n)
export let OFF: usize = 0; // off (n - 1): off[i] = T[i, i+1]
export let Z0: usize = 0; // eigenvectors, n x n row-major
export let QC: usize = 0; // n², the kept columns of Q, then a row of the block being merged
export let U: usize = 0; // n², the secular eigenvectors
export let W: usize = 0; // n² + 4n, the δ root by root, then Q[:, kept] U (m x k4)
export let UG: usize = 0; // 2n² + 8n, U's rows gathered (padded to k4) for the top and the bottom product
export let ZV: usize = 0;
export let DL: usize = 0;
export let ZL: usize = 0;
export let VALS: usize = 0;
export let GU: usize = 0;
export let SH: usize = 0;
export let PERM: usize = 0; // i32 arrays, n each (in 8n bytes)
export let KEEP: usize = 0;
export let DEFL: usize = 0;
export let ORDER: usize = 0;
export let SRC: usize = 0;
export let TYPE: usize = 0; // i32: 1 column of Q nonzero in the top rows only, 3 bottom only, 2 both
export let GEMM: usize = 0;

// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}
// @ts-ignore: decorator
@inline export function li(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function si(p: usize, i: i32, x: i32): void {
  store<i32>(p + (<usize>i << 2), x);
}

export function setup(n: i32, d: usize, off: usize, z: usize, work: usize): void {
  N = n;
  LD = <usize>n << 3;
  D0 = d;
  OFF = off;
  Z0 = z;
  const nn = <usize>n * n * 8;
  const nn4 = nn + 4 * LD; // room for m x k4 (k4 <= n + 3)
  QC = work;
  U = QC + nn;
  W = U + nn4;
  UG = W + nn4;
  ZV = UG + 2 * nn4;
  DL = ZV + LD;
  ZL = DL + LD;
  VALS = ZL + LD;
  GU = VALS + LD;
  SH = GU + LD;
  PERM = SH + LD;
  KEEP = PERM + LD;
  DEFL = KEEP + LD;
  ORDER = DEFL + LD;
  SRC = ORDER + LD;
  TYPE = SRC + LD;
  GEMM = TYPE + LD + 4 * LD; // 16n in all
  memory.fill(z, 0, nn);
}
