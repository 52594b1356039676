import { describe, expect, it } from 'vitest';
import { alloc, fromArray, growMemory, memoryStats, setMemoryLimit, type WasmArray } from './arena.js';
import { dot } from './blas1.js';

describe('arena', () => {
  it('hands out 16-byte-aligned blocks for every size', () => {
    const arrays = [];
    for (let n = 0; n < 40; n++) {
      const a = alloc(n % 2 ? 'f32' : 'f64', n);
      expect(a.ptr % 16).toBe(0);
      arrays.push(a);
    }
    for (const a of arrays) a.free();
  });

  it('never hands out overlapping blocks', () => {
    const arrays = Array.from({ length: 50 }, (_, i) => alloc('f32', 1 + ((i * 37) % 23)));
    const spans = arrays.map((a) => [a.ptr, a.ptr + a.length * 4] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    for (const a of arrays) a.free();
  });

  it('coalesces freed neighbours so a larger block fits where they were', () => {
    const a = alloc('f64', 8); // 64 bytes
    const b = alloc('f64', 8);
    const c = alloc('f64', 8);
    const start = a.ptr;
    b.free();
    a.free();
    const big = alloc('f64', 16); // 128 bytes: only fits in the merged a+b hole
    expect(big.ptr).toBe(start);
    big.free();
    c.free();
  });

  it('returns every byte on free', () => {
    const before = memoryStats().bytesInUse;
    const arrays = Array.from({ length: 20 }, (_, i) => alloc('f64', 100 * i));
    expect(memoryStats().bytesInUse).toBeGreaterThan(before);
    for (const a of arrays) a.free();
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it('zero-fills new arrays even when they reuse freed memory', () => {
    const a = fromArray(new Float64Array(32).fill(7));
    const p = a.ptr;
    a.free();
    const b = alloc('f64', 32);
    expect(b.ptr).toBe(p);
    expect(Array.from(b.data)).toEqual(new Array(32).fill(0));
    b.free();
  });

  it('re-derives views after memory growth: the buffer changes, data survives', () => {
    const x = fromArray(Float64Array.from({ length: 1000 }, (_, i) => i));
    const y = fromArray(new Float64Array(1000).fill(2));
    const stale = x.data;
    const bytesBefore = memoryStats().bufferBytes;
    growMemory(8 << 20);
    expect(memoryStats().bufferBytes).toBeGreaterThan(bytesBefore);
    // An ArrayBuffer is detached by memory.grow; a SharedArrayBuffer (threads) keeps its old length.
    expect(stale.length).toBe(stale.buffer instanceof ArrayBuffer ? 0 : 1000);
    expect(x.data.buffer).not.toBe(stale.buffer);
    expect(x.data.buffer.byteLength).toBe(memoryStats().bufferBytes);
    expect(x.data.length).toBe(1000); // the wrapper hands out a live one
    expect(x.data[999]).toBe(999);
    expect(dot(x, y)).toBe(2 * ((999 * 1000) / 2));
    x.free();
    y.free();
  });

  it('grows on demand when an allocation does not fit', () => {
    const bytes = memoryStats().bufferBytes;
    const big = alloc('f32', bytes / 4); // larger than all current memory
    big.data[big.length - 1] = 3;
    expect(memoryStats().bufferBytes).toBeGreaterThan(bytes);
    expect(big.data[big.length - 1]).toBe(3);
    big.free();
  });

  it('rejects use after free and double free', () => {
    const a = alloc('f32', 4);
    a.free();
    expect(() => a.ptr).toThrow(/after free/);
    expect(() => a.data).toThrow(/after free/);
    expect(() => a.free()).not.toThrow(); // free() is idempotent on the wrapper
  });

  it('rejects invalid dtypes and lengths', () => {
    expect(() => alloc('f16' as 'f32', 3)).toThrow(/Invalid dtype/);
    expect(() => alloc('f32', -1)).toThrow(/Invalid length: -1/);
    expect(() => alloc('f32', 1.5)).toThrow(/Invalid length: 1.5/);
  });

  it('grows up to the limit: the last growth is clamped to what is left, and every byte is usable', () => {
    const PAGE = 65536;
    const start = memoryStats();
    // room for 3 more pages: less than the usual growth by half the size (>= 8 pages)
    const previous = setMemoryLimit(start.bufferBytes + 3 * PAGE);
    const held: WasmArray[] = [];
    let err: unknown;
    try {
      for (;;) held.push(alloc('f64', PAGE / 16)); // 32 KiB each
    } catch (e) {
      err = e;
    }
    const end = memoryStats();
    setMemoryLimit(previous);
    expect(end.bufferBytes).toBe(start.bufferBytes + 3 * PAGE);
    expect(held.length * (PAGE / 2)).toBeGreaterThan(start.freeBytes + 3 * PAGE - PAGE / 2);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `asked for 32768 bytes .*; ${end.freeBytes} bytes free .*can grow by 0 more \\(limit ${end.bufferBytes} bytes\\)`,
      ),
    );
    for (const a of held) a.free();
    expect(memoryStats().bytesInUse).toBe(start.bytesInUse);
  });

  it('refuses an allocation beyond the limit with the bytes asked, free and possible, changing nothing', () => {
    const before = memoryStats();
    expect(() => alloc('f64', 2 ** 30)).toThrow(RangeError);
    expect(() => alloc('f64', 2 ** 30)).toThrow(
      /Out of kernel memory: asked for 8589934592 bytes \(8192.0 MiB\); \d+ bytes free.*\(limit 4294967296 bytes/,
    );
    expect(memoryStats()).toEqual(before);
  });

  it('says so when the engine refuses to grow (host out of memory), changing nothing', () => {
    const grow = WebAssembly.Memory.prototype.grow;
    WebAssembly.Memory.prototype.grow = () => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    };
    const before = memoryStats();
    try {
      expect(() => alloc('f32', before.bufferBytes)).toThrow(
        /engine refused to grow memory beyond \d+ bytes/,
      );
    } finally {
      WebAssembly.Memory.prototype.grow = grow;
    }
    expect(memoryStats()).toEqual(before);
  });

  it('checks the limit it is given', () => {
    expect(() => setMemoryLimit(0)).toThrow(/Invalid memory limit: 0/);
    expect(() => setMemoryLimit(Number.NaN)).toThrow(RangeError);
    const previous = setMemoryLimit(2 ** 40);
    expect(memoryStats().limitBytes).toBe(2 ** 32); // wasm32 caps it
    setMemoryLimit(previous);
  });
});
