/**
 * Level-1 BLAS, generic over f32/f64. Each loop runs over v128 lanes (4 x f32 or 2 x f64) and then
 * a scalar tail for the remaining n % lanes elements. Pointers are byte addresses into memory.
 */

// @ts-ignore: decorator
@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/** sum_i x[i] * y[i]. Reads x, y. */
function dot<T>(n: i32, x: usize, y: usize): T {
  const L = lanes<T>();
  const step = 16;
  let acc0 = v128.splat<T>(0);
  let acc1 = v128.splat<T>(0);
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const o = <usize>i * sizeof<T>();
    acc0 = v128.add<T>(acc0, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
    acc1 = v128.add<T>(acc1, v128.mul<T>(v128.load(x + o + step), v128.load(y + o + step)));
  }
  for (; i + L <= n; i += L) {
    const o = <usize>i * sizeof<T>();
    acc0 = v128.add<T>(acc0, v128.mul<T>(v128.load(x + o), v128.load(y + o)));
  }
  acc0 = v128.add<T>(acc0, acc1);
  let s: T = 0;
  for (let l = 0; l < L; l++) s += laneOf<T>(acc0, l);
  for (; i < n; i++) {
    const o = <usize>i * sizeof<T>();
    s += load<T>(x + o) * load<T>(y + o);
  }
  return s;
}

// @ts-ignore: decorator
@inline function laneOf<T>(v: v128, l: i32): T {
  if (sizeof<T>() == 4) {
    switch (l) {
      case 0: return <T>f32x4.extract_lane(v, 0);
      case 1: return <T>f32x4.extract_lane(v, 1);
      case 2: return <T>f32x4.extract_lane(v, 2);
      default: return <T>f32x4.extract_lane(v, 3);
    }
  }
  return l == 0 ? <T>f64x2.extract_lane(v, 0) : <T>f64x2.extract_lane(v, 1);
}

export function dot_f32(n: i32, x: usize, y: usize): f32 { return dot<f32>(n, x, y); }
export function dot_f64(n: i32, x: usize, y: usize): f64 { return dot<f64>(n, x, y); }
