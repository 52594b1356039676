/** Naive references for the strided tensor kernels: row-major and broadcast strides, and an index walk. */

/** Row-major element strides of `shape`. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** The strides that broadcast an input of shape `inShape` (right-aligned) to `outShape`. */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const own = rowMajorStrides(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((_, d) => (d < lead || inShape[d - lead] === 1 ? 0 : own[d - lead]));
}

/** Calls f(i, offsets) for every row-major index i of `shape`, offsets[k] = Σ_d i_d strides[k][d]. */
export function forEachIndex(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  f: (i: number, offsets: number[]) => void,
  offsets0: readonly number[] = strides.map(() => 0),
): void {
  const size = shape.reduce((p, n) => p * n, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    const offsets = strides.map((s, k) => s.reduce((acc, st, d) => acc + st * idx[d], offsets0[k]));
    f(i, offsets);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}
