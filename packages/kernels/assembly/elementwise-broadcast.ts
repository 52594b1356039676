/**
 * Broadcast binary ops and select over up to 8 strided dims, generic over f32/f64 (shape and strides
 * in the scratch area of strides.ts, innermost dim first). The contiguous unary ops are in
 * elementwise.ts.
 *
 * Each op runs a v128 loop over the contiguous inner run, then the tail. The op codes below match
 * the order of the names in src/elementwise.ts. Each op has its own small function that calls an
 * @inline loop with a constant op code, so the optimizer folds the op switch away.
 *
 * Aliasing: each element is read before it is written, at the same position, so out may be a
 * non-broadcast operand.
 */
import { dimSize, nextRun, offset0, offset1, offset2, runCount, startRuns, strideOf } from './strides';
import { lanes, loadTail, splat, storeTail } from './transcendental';
// Binary op codes.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const POW = 4;
const MAXIMUM = 5;
const MINIMUM = 6;
const EQ = 7;
const NE = 8;
const LT = 9;
const LE = 10;
const GT = 11;
const GE = 12;

/** A lane-wise scalar pow (NativeMath, in f64) of two vectors. */
// @ts-ignore: decorator
@inline function powV<T>(x: v128, y: v128): v128 {
  if (sizeof<T>() == 4) {
    let r = f32x4.splat(<f32>Math.pow(<f64>f32x4.extract_lane(x, 0), <f64>f32x4.extract_lane(y, 0)));
    r = f32x4.replace_lane(r, 1, <f32>Math.pow(<f64>f32x4.extract_lane(x, 1), <f64>f32x4.extract_lane(y, 1)));
    r = f32x4.replace_lane(r, 2, <f32>Math.pow(<f64>f32x4.extract_lane(x, 2), <f64>f32x4.extract_lane(y, 2)));
    return f32x4.replace_lane(r, 3, <f32>Math.pow(<f64>f32x4.extract_lane(x, 3), <f64>f32x4.extract_lane(y, 3)));
  }
  const r = f64x2.splat(Math.pow(f64x2.extract_lane(x, 0), f64x2.extract_lane(y, 0)));
  return f64x2.replace_lane(r, 1, Math.pow(f64x2.extract_lane(x, 1), f64x2.extract_lane(y, 1)));
}

/** The vector form of a binary op; comparisons give 1 or 0; maximum/minimum propagate NaN. */
// @ts-ignore: decorator
@inline function binaryV<T>(op: i32, x: v128, y: v128): v128 {
  const one = splat<T>(1);
  switch (op) {
    case ADD: return v128.add<T>(x, y);
    case SUB: return v128.sub<T>(x, y);
    case MUL: return v128.mul<T>(x, y);
    case DIV: return v128.div<T>(x, y);
    case POW: return powV<T>(x, y);
    case MAXIMUM: return v128.max<T>(x, y);
    case MINIMUM: return v128.min<T>(x, y);
    case EQ: return v128.and(v128.eq<T>(x, y), one);
    case NE: return v128.and(v128.ne<T>(x, y), one);
    case LT: return v128.and(v128.lt<T>(x, y), one);
    case LE: return v128.and(v128.le<T>(x, y), one);
    case GT: return v128.and(v128.gt<T>(x, y), one);
    default: return v128.and(v128.ge<T>(x, y), one);
  }
}

/** The same op on scalars, with the same rounding as binaryV. */
// @ts-ignore: decorator
@inline function binaryS<T>(op: i32, x: T, y: T): T {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case POW: return <T>Math.pow(<f64>x, <f64>y);
    case MAXIMUM: return max<T>(x, y);
    case MINIMUM: return min<T>(x, y);
    case EQ: return x == y ? <T>1 : <T>0;
    case NE: return x != y ? <T>1 : <T>0;
    case LT: return x < y ? <T>1 : <T>0;
    case LE: return x <= y ? <T>1 : <T>0;
    case GT: return x > y ? <T>1 : <T>0;
    default: return x >= y ? <T>1 : <T>0;
  }
}

/**
 * One inner run out[i] = op(a[i sa], b[i sb]), i < n: a flat v128 loop for strides (1, 1), the
 * scalar side splatted for (1, 0) and (0, 1), then a scalar loop for the tail (or for the whole
 * run with other strides).
 */
// @ts-ignore: decorator
@inline function binaryRun<T>(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  const L = lanes<T>();
  const sz = <i32>sizeof<T>();
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + L <= n; i += L) {
      const o = <usize>(i * sz);
      v128.store(out + o, binaryV<T>(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (sa == 1 && sb == 0) {
    const vb = v128.load_splat<T>(b);
    for (; i + L <= n; i += L) {
      const o = <usize>(i * sz);
      v128.store(out + o, binaryV<T>(op, v128.load(a + o), vb));
    }
  } else if (sa == 0 && sb == 1) {
    const va = v128.load_splat<T>(a);
    for (; i + L <= n; i += L) {
      const o = <usize>(i * sz);
      v128.store(out + o, binaryV<T>(op, va, v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const x = load<T>(a + <usize>(i * sa * sz));
    const y = load<T>(b + <usize>(i * sb * sz));
    store<T>(out + <usize>(i * sz), binaryS<T>(op, x, y));
  }
}

// @ts-ignore: decorator
@inline function binaryLoop<T>(op: i32, rank: i32, a: usize, b: usize, out: usize): void {
  const sz = <i32>sizeof<T>();
  const n = dimSize(0);
  const sa = strideOf(0, 0);
  const sb = strideOf(1, 0);
  const runs = runCount(rank);
  startRuns(rank);
  for (let r = 0; r < runs; r++) {
    binaryRun<T>(op, n, a + <usize>(offset0 * sz), sa, b + <usize>(offset1 * sz), sb, out + <usize>(r * n * sz));
    nextRun(rank, 2);
  }
}

// One wasm function per op, as for unary.
function binaryAdd<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(ADD, rank, a, b, out); }
function binarySub<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(SUB, rank, a, b, out); }
function binaryMul<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(MUL, rank, a, b, out); }
function binaryDiv<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(DIV, rank, a, b, out); }
function binaryPow<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(POW, rank, a, b, out); }
function binaryMaximum<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(MAXIMUM, rank, a, b, out); }
function binaryMinimum<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(MINIMUM, rank, a, b, out); }
function binaryEq<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(EQ, rank, a, b, out); }
function binaryNe<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(NE, rank, a, b, out); }
function binaryLt<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(LT, rank, a, b, out); }
function binaryLe<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(LE, rank, a, b, out); }
function binaryGt<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(GT, rank, a, b, out); }
function binaryGe<T>(rank: i32, a: usize, b: usize, out: usize): void { binaryLoop<T>(GE, rank, a, b, out); }

/**
 * out = op(a, b) over `rank` merged dims (sizes and the strides of a (operand 0) and b (operand 1)
 * in the scratch area); out is contiguous. Reads a, b; writes out (may be a non-broadcast a or b).
 */
function binary<T>(op: i32, rank: i32, a: usize, b: usize, out: usize): void {
  switch (op) {
    case ADD: binaryAdd<T>(rank, a, b, out); break;
    case SUB: binarySub<T>(rank, a, b, out); break;
    case MUL: binaryMul<T>(rank, a, b, out); break;
    case DIV: binaryDiv<T>(rank, a, b, out); break;
    case POW: binaryPow<T>(rank, a, b, out); break;
    case MAXIMUM: binaryMaximum<T>(rank, a, b, out); break;
    case MINIMUM: binaryMinimum<T>(rank, a, b, out); break;
    case EQ: binaryEq<T>(rank, a, b, out); break;
    case NE: binaryNe<T>(rank, a, b, out); break;
    case LT: binaryLt<T>(rank, a, b, out); break;
    case LE: binaryLe<T>(rank, a, b, out); break;
    case GT: binaryGt<T>(rank, a, b, out); break;
    case GE: binaryGe<T>(rank, a, b, out); break;
  }
}

/** A vector of the operand at p with stride s (0 or 1) at element offset i. */
// @ts-ignore: decorator
@inline function loadRun<T>(p: usize, s: i32, o: usize): v128 {
  return s ? v128.load(p + o) : v128.load_splat<T>(p);
}

/**
 * out = cond != 0 ? a : b over `rank` merged dims (operands 0, 1, 2 = cond, a, b); NaN in cond
 * counts as true (NaN != 0). A v128 loop on inner runs whose strides are all 0 or 1, else scalar.
 * Reads cond, a, b; writes out (may be a non-broadcast operand).
 */
function select<T>(rank: i32, c: usize, a: usize, b: usize, out: usize): void {
  const L = lanes<T>();
  const sz = <i32>sizeof<T>();
  const n = dimSize(0);
  const sc = strideOf(0, 0);
  const sa = strideOf(1, 0);
  const sb = strideOf(2, 0);
  const vector = (sc | sa | sb) >>> 1 == 0; // every stride 0 or 1
  const zero = splat<T>(0);
  const runs = runCount(rank);
  startRuns(rank);
  for (let r = 0; r < runs; r++) {
    const pc = c + <usize>(offset0 * sz);
    const pa = a + <usize>(offset1 * sz);
    const pb = b + <usize>(offset2 * sz);
    const po = out + <usize>(r * n * sz);
    let i = 0;
    if (vector) {
      for (; i + L <= n; i += L) {
        const o = <usize>(i * sz);
        const mask = v128.ne<T>(loadRun<T>(pc, sc, o), zero);
        v128.store(po + o, v128.bitselect(loadRun<T>(pa, sa, o), loadRun<T>(pb, sb, o), mask));
      }
    }
    for (; i < n; i++) {
      const cv = load<T>(pc + <usize>(i * sc * sz));
      const v = cv != 0 ? load<T>(pa + <usize>(i * sa * sz)) : load<T>(pb + <usize>(i * sb * sz));
      store<T>(po + <usize>(i * sz), v);
    }
    nextRun(rank, 3);
  }
}

export function binary_f32(op: i32, rank: i32, a: usize, b: usize, out: usize): void { binary<f32>(op, rank, a, b, out); }
export function binary_f64(op: i32, rank: i32, a: usize, b: usize, out: usize): void { binary<f64>(op, rank, a, b, out); }
export function select_f32(rank: i32, c: usize, a: usize, b: usize, out: usize): void { select<f32>(rank, c, a, b, out); }
export function select_f64(rank: i32, c: usize, a: usize, b: usize, out: usize): void { select<f64>(rank, c, a, b, out); }
