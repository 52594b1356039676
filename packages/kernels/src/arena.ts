/**
 * The arena: the only owner of WebAssembly memory. It hands out 16-byte-aligned blocks as
 * `WasmArray`s and takes them back with `free()` (or when a forgotten array is garbage-collected).
 *
 * Growth-safety: `memory.grow` detaches every typed-array view onto the old buffer. A `WasmArray`
 * therefore never stores a view; its `data` getter re-derives one whenever the buffer changed, so
 * a caller that reads `arr.data` after any allocation always sees live memory. Never keep
 * `arr.data` across a call that may allocate. With threads the memory is shared: growth does not
 * detach a SharedArrayBuffer, it replaces `memory.buffer` with a longer one, so the same
 * re-derivation applies (an old view stays valid but cannot reach the new pages).
 *
 * Threads (threads/pool.ts): only the caller's thread allocates, frees and grows. Workers run
 * kernels on blocks allocated for them beforehand (their scratch, the pool's control block) and
 * see growth at once, as they run on the same memory.
 *
 * Allocation is first-fit over an address-ordered free list with coalescing on free; when no
 * block fits, memory grows by at least half its size (amortized O(1) growth), clamped to the limit
 * (4 GiB, wasm32's 65,536 pages, or less with `setMemoryLimit`): the last growth takes what is left,
 * so every byte up to the limit can be used. An allocation that cannot fit even then throws a
 * RangeError saying how many bytes were asked, how many are free (and the largest free block) and
 * how far memory can still grow. If the engine itself refuses a growth (the host is out of memory),
 * the arena retries with the smallest growth that fits before giving up with the same error.
 *
 * Freeing: `free()` returns an array's memory at once. An array that is simply dropped (a forgotten
 * parameter, an optimizer and its state) is returned by a FinalizationRegistry when the JS garbage
 * collector finds it unreachable. The collector runs on JS heap pressure, which kernel memory does
 * not create (a WasmArray is a small JS object holding a large block), so a loop that builds and
 * drops models can reach the limit before the collector runs: call `free()` (on `Param`, on an
 * optimizer) on what you no longer need, as you would close a file.
 */
import { wasm } from './wasm.js';

export type DType = 'f32' | 'f64';
export type FloatArray = Float32Array | Float64Array;
export type ArrayOf<D extends DType> = D extends 'f32' ? Float32Array : Float64Array;

const PAGE = 65536;
const ALIGN = 16;
/** wasm32's address space: 65,536 pages of 64 KiB. */
const MAX_PAGES = 65536;

interface Block {
  ptr: number;
  size: number;
}

class Arena {
  private readonly free: Block[] = []; // address-ordered, coalesced
  private readonly used = new Map<number, number>(); // ptr -> size
  private memory: WebAssembly.Memory;
  private end: number;
  /** The most memory may grow to, in bytes (a multiple of the page size). */
  limit = MAX_PAGES * PAGE;

  constructor() {
    const exports = wasm();
    this.memory = exports.memory;
    const base = exports.heapBase();
    this.end = this.memory.buffer.byteLength;
    this.free.push({ ptr: base, size: this.end - base });
  }

  get buffer(): ArrayBuffer {
    return this.memory.buffer as ArrayBuffer;
  }

  /** Bytes currently handed out. */
  get bytesInUse(): number {
    let s = 0;
    for (const size of this.used.values()) s += size;
    return s;
  }

  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    if (size > this.limit)
      throw this.outOfMemory(size, Math.max(0, this.limit - this.memory.buffer.byteLength));
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size >= size) {
        const ptr = b.ptr;
        if (b.size === size) this.free.splice(i, 1);
        else {
          b.ptr += size;
          b.size -= size;
        }
        this.used.set(ptr, size);
        return ptr;
      }
    }
    this.grow(size);
    return this.alloc(bytes);
  }

  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`arena: pointer ${ptr} is not allocated (double free?)`);
    this.used.delete(ptr);
    this.insertFree({ ptr, size });
  }

  private insertFree(block: Block): void {
    const f = this.free;
    let i = 0;
    while (i < f.length && f[i].ptr < block.ptr) i++;
    f.splice(i, 0, block);
    // coalesce with the next, then with the previous block
    if (i + 1 < f.length && block.ptr + block.size === f[i + 1].ptr) {
      block.size += f[i + 1].size;
      f.splice(i + 1, 1);
    }
    if (i > 0 && f[i - 1].ptr + f[i - 1].size === block.ptr) {
      f[i - 1].size += block.size;
      f.splice(i, 1);
    }
  }

  /** Bytes in free blocks, and the largest of them. */
  freeBytes(): { total: number; largest: number } {
    let total = 0;
    let largest = 0;
    for (const b of this.free) {
      total += b.size;
      largest = Math.max(largest, b.size);
    }
    return { total, largest };
  }

  /**
   * Grows memory so that a block of `size` bytes fits at the end: by half the current size or what
   * is needed, whichever is more, but never past the limit; throws a RangeError if even the
   * smallest growth that fits is impossible.
   */
  grow(size: number): void {
    const current = this.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tailFree = last && last.ptr + last.size === this.end ? last.size : 0;
    const minPages = Math.ceil(Math.max(0, size - tailFree) / PAGE);
    const room = Math.max(0, Math.floor((this.limit - current) / PAGE));
    if (minPages > room) throw this.outOfMemory(size, room * PAGE);
    const pages = Math.min(room, Math.max(minPages, Math.ceil(current / 2 / PAGE)));
    try {
      this.memory.grow(pages);
      this.added(pages);
    } catch {
      // the engine refused (host memory, or its own lower limit): try the least that fits
      try {
        if (pages === minPages) throw new Error('no smaller growth');
        this.memory.grow(minPages);
        this.added(minPages);
      } catch {
        throw this.outOfMemory(size, 0, true);
      }
    }
  }

  private added(pages: number): void {
    const added = pages * PAGE;
    this.insertFree({ ptr: this.end, size: added });
    this.end += added;
  }

  private outOfMemory(size: number, canGrow: number, refused = false): RangeError {
    const { total, largest } = this.freeBytes();
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    return new RangeError(
      `Out of kernel memory: asked for ${size} bytes (${mb(size)}); ${total} bytes free (${mb(total)}, largest free block ${largest} bytes), ` +
        (refused
          ? `and the engine refused to grow memory beyond ${this.memory.buffer.byteLength} bytes`
          : `memory is ${this.memory.buffer.byteLength} bytes and can grow by ${canGrow} more (limit ${this.limit} bytes)`) +
        '. Free what you no longer need: param.free(), optimizer.free(), array.free()',
    );
  }
}

let arena: Arena | undefined;
function theArena(): Arena {
  if (!arena) arena = new Arena();
  return arena;
}

const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((ptr) => theArena().release(ptr))
    : undefined;

/**
 * A typed array living in WebAssembly memory. `data` is a live view (re-derived after growth);
 * `ptr` is the byte address kernels take.
 */
export class WasmArray<D extends DType = DType> {
  readonly dtype: D;
  readonly length: number;
  private _ptr: number;
  private _view: ArrayOf<D> | undefined;
  private _buffer: ArrayBuffer | undefined;

  constructor(dtype: D, length: number) {
    if (dtype !== 'f32' && dtype !== 'f64')
      throw new TypeError(`Invalid dtype: ${String(dtype)} (expected 'f32' or 'f64')`);
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`Invalid length: ${length}`);
    this.dtype = dtype;
    this.length = length;
    this._ptr = theArena().alloc(length * bytesPer(dtype));
    finalizer?.register(this, this._ptr, this);
    this.data.fill(0);
  }

  /** Byte address in kernel memory. */
  get ptr(): number {
    if (this._ptr < 0) throw new Error('WasmArray used after free()');
    return this._ptr;
  }

  /** A live view onto the array's memory; do not keep it across calls that may allocate. */
  get data(): ArrayOf<D> {
    const buf = theArena().buffer;
    if (this._buffer !== buf || !this._view) {
      const ptr = this.ptr;
      this._view = (
        this.dtype === 'f32'
          ? new Float32Array(buf, ptr, this.length)
          : new Float64Array(buf, ptr, this.length)
      ) as ArrayOf<D>;
      this._buffer = buf;
    }
    return this._view;
  }

  get freed(): boolean {
    return this._ptr < 0;
  }

  /** Returns the memory to the arena; the array is unusable afterwards. */
  free(): void {
    if (this._ptr < 0) return;
    finalizer?.unregister(this);
    theArena().release(this._ptr);
    this._ptr = -1;
    this._view = undefined;
  }

  /** A plain copy of the contents, detached from kernel memory. */
  toArray(): ArrayOf<D> {
    return this.data.slice() as ArrayOf<D>;
  }
}

export function bytesPer(dtype: DType): number {
  return dtype === 'f32' ? 4 : 8;
}

export function dtypeOf(a: FloatArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  throw new TypeError('Expected a Float32Array or a Float64Array');
}

/** A zero-filled array of `length` elements in kernel memory. */
export function alloc<D extends DType>(dtype: D, length: number): WasmArray<D> {
  return new WasmArray(dtype, length);
}

/** A copy of `values` in kernel memory, with its element type. */
export function fromArray(values: Float32Array): WasmArray<'f32'>;
export function fromArray(values: Float64Array): WasmArray<'f64'>;
export function fromArray(values: FloatArray): WasmArray;
export function fromArray(values: FloatArray): WasmArray {
  const out = new WasmArray(dtypeOf(values), values.length);
  out.data.set(values);
  return out;
}

/**
 * Kernel memory statistics (for tests and leak checks): bytes handed out, the memory's size, the
 * bytes in free blocks, and the limit memory may grow to.
 */
export function memoryStats(): {
  bytesInUse: number;
  bufferBytes: number;
  freeBytes: number;
  limitBytes: number;
} {
  const a = theArena();
  return {
    bytesInUse: a.bytesInUse,
    bufferBytes: a.buffer.byteLength,
    freeBytes: a.freeBytes().total,
    limitBytes: a.limit,
  };
}

/**
 * Caps how far kernel memory may grow (bytes, rounded down to 64 KiB pages; default and maximum
 * 4 GiB). Memory never shrinks, so a cap below the current size means "no more growth". Returns the
 * previous limit.
 */
export function setMemoryLimit(bytes: number): number {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes <= 0) {
    throw new RangeError(`Invalid memory limit: ${String(bytes)} (expected a positive number of bytes)`);
  }
  const a = theArena();
  const before = a.limit;
  a.limit = Math.min(MAX_PAGES, Math.floor(bytes / PAGE)) * PAGE;
  return before;
}

/** Grows kernel memory by at least `bytes` (tests use it to force view detachment). */
export function growMemory(bytes: number): void {
  theArena().grow(bytes);
}
