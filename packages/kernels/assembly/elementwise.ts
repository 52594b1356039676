/**
 * Element-wise tensor kernels, generic over f32/f64: unary ops, affine, scalar powers and ELU
 * (contiguous x -> out). The broadcast binary ops and select are in elementwise-broadcast.ts.
 *
 * Each op runs a v128 loop over the contiguous inner run, then the tail. The op codes below
 * match the order of the names in src/elementwise.ts. Each op has its own small function that
 * calls an @inline loop with a constant op code, so the optimizer folds the op switch away.
 *
 * Aliasing: each element is read before it is written, at the same position, so out may be x.
 */
import { lanes, loadTail, splat, storeTail, vexp, vlog1pUnit, vsigmoid, vtanh } from './transcendental';

// Unary op codes.
const NEG = 0;
const ABS = 1;
const SIGN = 2;
const SQUARE = 3;
const SQRT = 4;
const RECIPROCAL = 5;
const EXP = 6;
const LOG = 7;
const LOG1P = 8;
const EXPM1 = 9;
const SIN = 10;
const COS = 11;
const SOFTPLUS = 12;
const RELU = 13;
const STEP = 14;
const SIGMOID = 15;
const TANH = 16;

/**
 * The vector form of a unary op. sign(x) = (x > 0) - (x < 0), NaN kept; step(x) = x > 0 ? 1 : 0;
 * softplus(x) = max(x, 0) + log1p(e^{-|x|}) (never overflows).
 */
// @ts-ignore: decorator
@inline function unaryV<T>(op: i32, x: v128): v128 {
  const zero = splat<T>(0);
  const one = splat<T>(1);
  switch (op) {
    case NEG: return v128.neg<T>(x);
    case ABS: return v128.abs<T>(x);
    case SIGN: {
      const s = v128.sub<T>(v128.and(v128.gt<T>(x, zero), one), v128.and(v128.lt<T>(x, zero), one));
      return v128.bitselect(x, s, v128.ne<T>(x, x));
    }
    case SQUARE: return v128.mul<T>(x, x);
    case SQRT: return v128.sqrt<T>(x);
    case RECIPROCAL: return v128.div<T>(one, x);
    case EXP: return vexp<T>(x);
    case SOFTPLUS: {
      const e = vexp<T>(v128.neg<T>(v128.abs<T>(x)));
      return v128.add<T>(v128.max<T>(x, zero), vlog1pUnit<T>(e));
    }
    case RELU: return v128.max<T>(x, zero);
    case STEP: return v128.and(v128.gt<T>(x, zero), one);
    case SIGMOID: return vsigmoid<T>(x);
    default: return vtanh<T>(x);
  }
}

/** The scalar ops: NativeMath in f64 (an f32 result rounds once from it). */
// @ts-ignore: decorator
@inline function unaryS(op: i32, x: f64): f64 {
  switch (op) {
    case LOG: return Math.log(x);
    case LOG1P: return Math.log1p(x);
    case EXPM1: return Math.expm1(x);
    case SIN: return Math.sin(x);
    default: return Math.cos(x);
  }
}

// @ts-ignore: decorator
@inline function unaryLoop<T>(op: i32, n: i32, x: usize, out: usize): void {
  const sz = <usize>sizeof<T>();
  let i = 0;
  if (op == LOG || op == LOG1P || op == EXPM1 || op == SIN || op == COS) {
    for (; i < n; i++) store<T>(out + <usize>i * sz, <T>unaryS(op, <f64>load<T>(x + <usize>i * sz)));
    return;
  }
  const L = lanes<T>();
  for (; i + L <= n; i += L) {
    const o = <usize>i * sz;
    v128.store(out + o, unaryV<T>(op, v128.load(x + o)));
  }
  if (i < n) {
    const o = <usize>i * sz;
    storeTail<T>(out + o, unaryV<T>(op, loadTail<T>(x + o, n - i)), n - i);
  }
}

// One wasm function per op: V8 compiles a small function's loop much better than the same loop
// inside one function holding every op (exp and sigmoid ran 1.6-2x slower that way).
function unaryNeg<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(NEG, n, x, out); }
function unaryAbs<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(ABS, n, x, out); }
function unarySign<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(SIGN, n, x, out); }
function unarySquare<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(SQUARE, n, x, out); }
function unarySqrt<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(SQRT, n, x, out); }
function unaryReciprocal<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(RECIPROCAL, n, x, out); }
function unaryExp<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(EXP, n, x, out); }
function unaryLog<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(LOG, n, x, out); }
function unaryLog1p<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(LOG1P, n, x, out); }
function unaryExpm1<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(EXPM1, n, x, out); }
function unarySin<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(SIN, n, x, out); }
function unaryCos<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(COS, n, x, out); }
function unarySoftplus<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(SOFTPLUS, n, x, out); }
function unaryRelu<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(RELU, n, x, out); }
function unaryStep<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(STEP, n, x, out); }
function unarySigmoid<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(SIGMOID, n, x, out); }
function unaryTanh<T>(n: i32, x: usize, out: usize): void { unaryLoop<T>(TANH, n, x, out); }

/** out[i] = op(x[i]) for i < n. Reads x, writes out (may be x). */
function unary<T>(op: i32, n: i32, x: usize, out: usize): void {
  switch (op) {
    case NEG: unaryNeg<T>(n, x, out); break;
    case ABS: unaryAbs<T>(n, x, out); break;
    case SIGN: unarySign<T>(n, x, out); break;
    case SQUARE: unarySquare<T>(n, x, out); break;
    case SQRT: unarySqrt<T>(n, x, out); break;
    case RECIPROCAL: unaryReciprocal<T>(n, x, out); break;
    case EXP: unaryExp<T>(n, x, out); break;
    case LOG: unaryLog<T>(n, x, out); break;
    case LOG1P: unaryLog1p<T>(n, x, out); break;
    case EXPM1: unaryExpm1<T>(n, x, out); break;
    case SIN: unarySin<T>(n, x, out); break;
    case COS: unaryCos<T>(n, x, out); break;
    case SOFTPLUS: unarySoftplus<T>(n, x, out); break;
    case RELU: unaryRelu<T>(n, x, out); break;
    case STEP: unaryStep<T>(n, x, out); break;
    case SIGMOID: unarySigmoid<T>(n, x, out); break;
    case TANH: unaryTanh<T>(n, x, out); break;
  }
}

/** out[i] = alpha x[i] + beta (a multiply, then an add: no FMA). Reads x, writes out (may be x). */
function affine<T>(n: i32, x: usize, alpha: T, beta: T, out: usize): void {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  const va = v128.splat<T>(alpha);
  const vb = v128.splat<T>(beta);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sz;
    v128.store(out + o, v128.add<T>(v128.mul<T>(v128.load(x + o), va), vb));
  }
  for (; i < n; i++) {
    const o = <usize>i * sz;
    store<T>(out + o, load<T>(x + o) * alpha + beta);
  }
}

/**
 * out[i] = x[i]^p: p = 2 is x*x, p = 0.5 is sqrt(x), p = -1 is 1/x (each one rounding); any other
 * p is the scalar NativeMath pow in f64 per element. Reads x, writes out (may be x).
 */
function powScalar<T>(n: i32, x: usize, p: f64, out: usize): void {
  if (p == 2) unaryLoop<T>(SQUARE, n, x, out);
  else if (p == 0.5) unaryLoop<T>(SQRT, n, x, out);
  else if (p == -1) unaryLoop<T>(RECIPROCAL, n, x, out);
  else powLoop<T>(n, x, p, out);
}

function powLoop<T>(n: i32, x: usize, p: f64, out: usize): void {
  const sz = <usize>sizeof<T>();
  for (let i = 0; i < n; i++) store<T>(out + <usize>i * sz, <T>Math.pow(<f64>load<T>(x + <usize>i * sz), p));
}


/**
 * ELU: x > 0 ? x : alpha (e^x - 1). For u = min(x, 0), e^u - 1 = 2t / (1 - t) with t = tanh(u/2)
 * in (-1, 0]: no cancellation near 0 (1 - t >= 1), and vtanh is accurate to a few ulp.
 */
// @ts-ignore: decorator
@inline function eluV<T>(x: v128, alpha: v128): v128 {
  const zero = splat<T>(0);
  const t = vtanh<T>(v128.mul<T>(v128.min<T>(x, zero), splat<T>(0.5)));
  const em1 = v128.div<T>(v128.add<T>(t, t), v128.sub<T>(splat<T>(1), t));
  const neg = v128.mul<T>(alpha, em1);
  return v128.bitselect(x, neg, v128.gt<T>(x, zero));
}

/** ELU's derivative times dy, from the input x: dy (x > 0 ? 1 : alpha e^x). */
// @ts-ignore: decorator
@inline function eluGradV<T>(x: v128, alpha: v128, dy: v128): v128 {
  const zero = splat<T>(0);
  const slope = v128.mul<T>(alpha, vexp<T>(v128.min<T>(x, zero)));
  return v128.mul<T>(dy, v128.bitselect(splat<T>(1), slope, v128.gt<T>(x, zero)));
}

/** out = elu(x). Reads x, writes out (may be x). */
function elu<T>(n: i32, x: usize, alpha: T, out: usize): void {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sz;
    v128.store(out + o, eluV<T>(v128.load(x + o), va));
  }
  if (i < n) {
    const o = <usize>i * sz;
    storeTail<T>(out + o, eluV<T>(loadTail<T>(x + o, n - i), va), n - i);
  }
}

/** dx = dy (x > 0 ? 1 : alpha e^x), from the saved INPUT x. Reads x, dy; writes dx (may be dy). */
function eluBackward<T>(n: i32, x: usize, alpha: T, dy: usize, dx: usize): void {
  const L = lanes<T>();
  const sz = <usize>sizeof<T>();
  const va = v128.splat<T>(alpha);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * sz;
    v128.store(dx + o, eluGradV<T>(v128.load(x + o), va, v128.load(dy + o)));
  }
  if (i < n) {
    const o = <usize>i * sz;
    const g = eluGradV<T>(loadTail<T>(x + o, n - i), va, loadTail<T>(dy + o, n - i));
    storeTail<T>(dx + o, g, n - i);
  }
}

export function unary_f32(op: i32, n: i32, x: usize, out: usize): void { unary<f32>(op, n, x, out); }
export function unary_f64(op: i32, n: i32, x: usize, out: usize): void { unary<f64>(op, n, x, out); }
export function affine_f32(n: i32, x: usize, a: f32, b: f32, out: usize): void { affine<f32>(n, x, a, b, out); }
export function affine_f64(n: i32, x: usize, a: f64, b: f64, out: usize): void { affine<f64>(n, x, a, b, out); }
export function powScalar_f32(n: i32, x: usize, p: f64, out: usize): void { powScalar<f32>(n, x, p, out); }
export function powScalar_f64(n: i32, x: usize, p: f64, out: usize): void { powScalar<f64>(n, x, p, out); }
export function elu_f32(n: i32, x: usize, alpha: f32, out: usize): void { elu<f32>(n, x, alpha, out); }
export function elu_f64(n: i32, x: usize, alpha: f64, out: usize): void { elu<f64>(n, x, alpha, out); }
export function eluBackward_f32(n: i32, x: usize, alpha: f32, dy: usize, dx: usize): void { eluBackward<f32>(n, x, alpha, dy, dx); }
export function eluBackward_f64(n: i32, x: usize, alpha: f64, dy: usize, dx: usize): void { eluBackward<f64>(n, x, alpha, dy, dx); }
