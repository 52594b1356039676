/**
 * Memory layout. The kernels never allocate: every buffer, including scratch space, is a pointer
 * handed in by the TypeScript arena (`src/arena.ts`), which owns everything from `heapBase()` up
 * and grows the memory itself.
 */

/** First byte past the static data, rounded up to 16: where the arena may start. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
