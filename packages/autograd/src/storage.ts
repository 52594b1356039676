/**
 * Where tensor values live: buffers in kernel memory, shared by the tensors that view them and
 * recycled through a pool, so a training loop that builds the same graph every step reuses the same
 * buffers instead of asking the arena for new ones.
 *
 * - A `Storage` counts the tensors that use it (`reshape`, `detach`, a leaf's gradient view share
 *   one); the last `release()` hands an owned buffer to the pool.
 * - A storage over a `Param`'s arrays is not owned: releasing it never frees the parameter.
 * - The pool keeps freed buffers by (dtype, length) up to `poolLimitBytes` (default 64 MiB); beyond
 *   that a freed buffer goes back to the arena. `clearPool()` empties it.
 */
import { alloc, type DType, type WasmArray } from '@descent/kernels';

export class Storage {
  private refs = 1;
  constructor(
    readonly array: WasmArray,
    readonly owned: boolean,
  ) {}

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (this.refs <= 0) return;
    if (--this.refs === 0 && this.owned) recycle(this.array);
  }
}

let pooledBytes = 0;
let limitBytes = 64 * 1024 * 1024;

const keyOf = (dtype: DType, length: number) => (dtype === 'f32' ? length : -length - 1);
const poolByKey = new Map<number, WasmArray[]>();

/** A buffer of `length` elements: a pooled one (contents undefined) or, with `zero`, zero-filled. */
export function acquire(dtype: DType, length: number, zero = false): WasmArray {
  const list = poolByKey.get(keyOf(dtype, length));
  const reused = list?.pop();
  if (reused) {
    pooledBytes -= bytesOf(reused);
    if (zero) reused.data.fill(0);
    return reused;
  }
  return alloc(dtype, length); // zero-filled by the arena
}

function recycle(a: WasmArray): void {
  if (a.freed) return;
  const bytes = bytesOf(a);
  if (pooledBytes + bytes > limitBytes) {
    a.free();
    return;
  }
  const key = keyOf(a.dtype, a.length);
  let list = poolByKey.get(key);
  if (!list) poolByKey.set(key, (list = []));
  list.push(a);
  pooledBytes += bytes;
}

function bytesOf(a: WasmArray): number {
  return a.length * (a.dtype === 'f32' ? 4 : 8);
}

/** Frees every pooled buffer back to the arena. */
export function clearPool(): void {
  for (const list of poolByKey.values()) for (const a of list) a.free();
  poolByKey.clear();
  pooledBytes = 0;
}

/** The most bytes the pool keeps (default 64 MiB); lowering it frees what is over. */
export function setPoolLimit(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`Invalid pool limit: ${bytes} bytes`);
  limitBytes = bytes;
  if (pooledBytes > limitBytes) clearPool();
}

/** Bytes held by the pool now. */
export function pooledBytesNow(): number {
  return pooledBytes;
}
