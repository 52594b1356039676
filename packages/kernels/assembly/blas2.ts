/**
 * Level-2 BLAS, generic over f32/f64: the matrix-vector product
 *
 *   y = alpha op(A) x + beta y,   op(A) = A (trans = 0) or A^T (trans = 1),
 *
 * with A row-major m x n. beta = 0 overwrites y without reading it (a NaN in y does not survive),
 * as in reference BLAS. y must not overlap A or x.
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

/**
 * y_i = alpha * sum_j A[i, j] x_j + beta y_i  (A m x n, x of n, y of m).
 * Four rows at a time, so each load of x feeds four products.
 */
function gemvN<T>(m: i32, n: i32, alpha: T, a: usize, x: usize, beta: T, y: usize): void {
  const L = lanes<T>();
  const rowBytes = <usize>n * sizeof<T>();
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = a + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let c0 = v128.splat<T>(0);
    let c1 = v128.splat<T>(0);
    let c2 = v128.splat<T>(0);
    let c3 = v128.splat<T>(0);
    let j = 0;
    for (; j + L <= n; j += L) {
      const o = <usize>j * sizeof<T>();
      const xv = v128.load(x + o);
      c0 = v128.add<T>(c0, v128.mul<T>(v128.load(r0 + o), xv));
      c1 = v128.add<T>(c1, v128.mul<T>(v128.load(r1 + o), xv));
      c2 = v128.add<T>(c2, v128.mul<T>(v128.load(r2 + o), xv));
      c3 = v128.add<T>(c3, v128.mul<T>(v128.load(r3 + o), xv));
    }
    let s0 = laneSum<T>(c0);
    let s1 = laneSum<T>(c1);
    let s2 = laneSum<T>(c2);
    let s3 = laneSum<T>(c3);
    for (; j < n; j++) {
      const o = <usize>j * sizeof<T>();
      const xj = load<T>(x + o);
      s0 += load<T>(r0 + o) * xj;
      s1 += load<T>(r1 + o) * xj;
      s2 += load<T>(r2 + o) * xj;
      s3 += load<T>(r3 + o) * xj;
    }
    const yo = y + <usize>i * sizeof<T>();
    storeScaled<T>(yo, alpha * s0, beta);
    storeScaled<T>(yo + sizeof<T>(), alpha * s1, beta);
    storeScaled<T>(yo + 2 * sizeof<T>(), alpha * s2, beta);
    storeScaled<T>(yo + 3 * sizeof<T>(), alpha * s3, beta);
  }
  for (; i < m; i++) {
    const r = a + <usize>i * rowBytes;
    let c = v128.splat<T>(0);
    let j = 0;
    for (; j + L <= n; j += L) {
      const o = <usize>j * sizeof<T>();
      c = v128.add<T>(c, v128.mul<T>(v128.load(r + o), v128.load(x + o)));
    }
    let s = laneSum<T>(c);
    for (; j < n; j++) {
      const o = <usize>j * sizeof<T>();
      s += load<T>(r + o) * load<T>(x + o);
    }
    storeScaled<T>(y + <usize>i * sizeof<T>(), alpha * s, beta);
  }
}

/** *p = v + beta * *p, except that beta = 0 writes v without reading *p. */
// @ts-ignore: decorator
@inline function storeScaled<T>(p: usize, v: T, beta: T): void {
  store<T>(p, beta == 0 ? v : v + beta * load<T>(p));
}

/**
 * y_j = alpha * sum_i A[i, j] x_i + beta y_j  (A m x n, x of m, y of n).
 * First y = beta y, then y += (alpha x_i) A[i, :] four rows at a time, so y is read and written
 * once per four rows of A.
 */
function gemvT<T>(m: i32, n: i32, alpha: T, a: usize, x: usize, beta: T, y: usize): void {
  const L = lanes<T>();
  const rowBytes = <usize>n * sizeof<T>();
  const vb = v128.splat<T>(beta);
  let j = 0;
  if (beta == 0) {
    memory.fill(y, 0, rowBytes);
  } else if (beta != 1) {
    for (; j + L <= n; j += L) {
      const o = <usize>j * sizeof<T>();
      v128.store(y + o, v128.mul<T>(vb, v128.load(y + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j * sizeof<T>();
      store<T>(y + o, beta * load<T>(y + o));
    }
  }
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = a + <usize>i * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const xo = x + <usize>i * sizeof<T>();
    const a0 = alpha * load<T>(xo);
    const a1 = alpha * load<T>(xo + sizeof<T>());
    const a2 = alpha * load<T>(xo + 2 * sizeof<T>());
    const a3 = alpha * load<T>(xo + 3 * sizeof<T>());
    const v0 = v128.splat<T>(a0);
    const v1 = v128.splat<T>(a1);
    const v2 = v128.splat<T>(a2);
    const v3 = v128.splat<T>(a3);
    j = 0;
    for (; j + L <= n; j += L) {
      const o = <usize>j * sizeof<T>();
      let acc = v128.load(y + o);
      acc = v128.add<T>(acc, v128.mul<T>(v0, v128.load(r0 + o)));
      acc = v128.add<T>(acc, v128.mul<T>(v1, v128.load(r1 + o)));
      acc = v128.add<T>(acc, v128.mul<T>(v2, v128.load(r2 + o)));
      acc = v128.add<T>(acc, v128.mul<T>(v3, v128.load(r3 + o)));
      v128.store(y + o, acc);
    }
    for (; j < n; j++) {
      const o = <usize>j * sizeof<T>();
      store<T>(
        y + o,
        load<T>(y + o) + a0 * load<T>(r0 + o) + a1 * load<T>(r1 + o) + a2 * load<T>(r2 + o) + a3 * load<T>(r3 + o),
      );
    }
  }
  for (; i < m; i++) {
    const r = a + <usize>i * rowBytes;
    const ai = alpha * load<T>(x + <usize>i * sizeof<T>());
    const va = v128.splat<T>(ai);
    j = 0;
    for (; j + L <= n; j += L) {
      const o = <usize>j * sizeof<T>();
      v128.store(y + o, v128.add<T>(v128.load(y + o), v128.mul<T>(va, v128.load(r + o))));
    }
    for (; j < n; j++) {
      const o = <usize>j * sizeof<T>();
      store<T>(y + o, load<T>(y + o) + ai * load<T>(r + o));
    }
  }
}

/** y = alpha op(A) x + beta y; trans = 0: op(A) = A, else A^T. A is m x n row-major. */
export function gemv_f32(trans: i32, m: i32, n: i32, alpha: f32, a: usize, x: usize, beta: f32, y: usize): void {
  if (trans) gemvT<f32>(m, n, alpha, a, x, beta, y);
  else gemvN<f32>(m, n, alpha, a, x, beta, y);
}
export function gemv_f64(trans: i32, m: i32, n: i32, alpha: f64, a: usize, x: usize, beta: f64, y: usize): void {
  if (trans) gemvT<f64>(m, n, alpha, a, x, beta, y);
  else gemvN<f64>(m, n, alpha, a, x, beta, y);
}
