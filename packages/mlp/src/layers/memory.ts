/**
 * The kernels keep every parameter and its gradient in one WebAssembly memory, which a wasm32
 * module cannot grow beyond 65,536 pages of 64 KiB = 4 GiB. A model whose parameters alone do not
 * fit is refused before anything is allocated (a Dense(4, 10⁹) would otherwise fill a 16 GB
 * JavaScript array first), with the memory it would need:
 *
 *   bytes = 2 · P · b      (P parameters, b = 4 for f32 or 8 for f64; values and gradients)
 *
 * Training needs more on top (the optimizer's state, batch buffers): this is the floor.
 */
import type { DType } from '@descent/kernels';

/** The WebAssembly (wasm32) memory limit, in bytes: 65,536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 65536 * 65536;

const GiB = 1024 ** 3;

/** Bytes that `parameters` parameters of `dtype` take with their gradients. */
export function parameterBytes(parameters: number, dtype: DType): number {
  return 2 * parameters * (dtype === 'f64' ? 8 : 4);
}

/** Throws a RangeError, saying how much memory `what` needs, if its parameters cannot fit. */
export function checkParameterMemory(what: string, parameters: number, dtype: DType): void {
  const bytes = parameterBytes(parameters, dtype);
  if (bytes <= WASM_MEMORY_LIMIT) return;
  throw new RangeError(
    `${what} is too large: its ${parameters.toLocaleString('en-US')} parameters need ${(bytes / GiB).toFixed(1)} GiB with their gradients (${dtype}), and the kernels' WebAssembly memory is limited to 4 GiB`,
  );
}
