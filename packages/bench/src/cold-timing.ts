/**
 * The cold end of a threaded call (the threads suites share it): each call follows `idleUs` of
 * other work, so that the worker has gone to sleep in Atomics.wait and the job must wake it.
 */

/** Spins for `us` microseconds (work on this thread, not a sleep). */
export function busy(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

/**
 * Seconds of `f` when each call follows 500 us of busy work: one warm-up call, then the median
 * (element 100 of 200 sorted) of 200 calls. The caller picks the thread count first.
 */
export function medianAfterIdle(f: () => unknown): number {
  f();
  const s: number[] = [];
  for (let i = 0; i < 200; i++) {
    busy(500);
    const t0 = performance.now();
    f();
    s.push(performance.now() - t0);
  }
  return s.sort((a, b) => a - b)[100] / 1000;
}
