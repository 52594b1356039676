/**
 * The code each worker thread runs, and the layout of the control block it shares with the
 * caller's thread (pool.ts). `workerMain` is self-contained (it refers to nothing outside itself
 * but standard globals): pool.ts turns it into the worker's source with `Function.prototype.
 * toString`, so it survives `tsc`, packing and bundling with no sibling file to ship.
 *
 * Control block (allocated by the arena, never by a worker), as Int32 words from its start:
 *   GEN    job generation: the caller writes a job, then increments GEN and notifies
 *   DONE   parts finished in the current job (each thread adds 1 per part, then notifies)
 *   READY  workers that have instantiated the kernels and entered their loop
 *   FN     index of the kernel (in the module's function exports) the job runs, or PROGRAM: each
 *          part is a recorded kernel program (program.ts), its arguments [ops, count, results]
 *   NARGS  arguments per part;  NPARTS  parts in the job
 *   STOP   1: workers return from their loop (the pool is being replaced)
 *   ERROR  1 + the index of a part whose kernel threw (a trap), 0 if none
 *   CLAIM  the next unclaimed part: every thread, the caller's included, takes parts with
 *          Atomics.add(CLAIM, 1) until they run out, so a worker the OS has not scheduled yet
 *          delays nothing (the caller runs its part too). The caller writes the whole job before it
 *          resets CLAIM to 0, so a part claimed is always a part of a fully written job.
 * A part is one kernel call with its own arguments and is computed the same way whichever thread
 * claims it, so results do not depend on which thread ran what.
 * then, as Float64 from byte ARGS_AT: MAX_PARTS rows of MAX_ARGS arguments (row i is part i's),
 * then MAX_PARTS results (part i's kernel return value).
 */

export const GEN = 0;
export const DONE = 1;
export const READY = 2;
export const FN = 3;
export const NARGS = 4;
export const NPARTS = 5;
export const STOP = 6;
export const ERROR = 7;
export const CLAIM = 8;
/** FN of a job whose parts are kernel programs */
export const PROGRAM = -1;
/** byte offset of the arguments (Float64) in the control block */
export const ARGS_AT = 64;
export const MAX_PARTS = 64;
export const MAX_ARGS = 24;
/** byte offset of the results (Float64) */
export const RESULTS_AT = ARGS_AT + MAX_PARTS * MAX_ARGS * 8;
/** bytes of the whole control block */
export const CONTROL_BYTES = RESULTS_AT + MAX_PARTS * 8;

/** What a worker is sent at start. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** byte address of the control block */
  ctl: number;
  /** this worker's number (1 ...; the caller's thread is 0) */
  index: number;
  /** the module's function exports, in the order FN indexes */
  names: string[];
  /** how long to poll GEN for the next job before sleeping in Atomics.wait, in ms */
  spinMs: number;
  layout: {
    GEN: number;
    DONE: number;
    READY: number;
    FN: number;
    NARGS: number;
    NPARTS: number;
    STOP: number;
    ERROR: number;
    CLAIM: number;
    PROGRAM: number;
    ARGS_AT: number;
    MAX_ARGS: number;
    RESULTS_AT: number;
  };
}

/** program.ts's `runOps`, which the pool passes in (this function's source must stand alone). */
type RunOps = (
  kernels: Array<(...args: number[]) => number | undefined>,
  memory: WebAssembly.Memory,
  ops: number,
  count: number,
  results: number,
) => void;

/**
 * A worker's life: instantiate the kernels over the shared memory, report ready, then forever:
 * sleep until GEN changes, claim and run parts of the job until none is left.
 */
export function workerMain(d: WorkerInit, ready: () => void, runOps: RunOps): void {
  const L = d.layout;
  const instance = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const exports = instance.exports as Record<string, (...args: number[]) => number | undefined>;
  const fns = d.names.map((name) => exports[name]);
  // The control block was allocated before this worker started, so it lies inside this buffer
  // even if memory has grown since (a SharedArrayBuffer grows; old views stay valid).
  const i32 = new Int32Array(d.memory.buffer);
  const f64 = new Float64Array(d.memory.buffer);
  const I = d.ctl >> 2;
  const args0 = (d.ctl + L.ARGS_AT) / 8;
  const results = (d.ctl + L.RESULTS_AT) / 8;
  // Read the generation before reporting ready: the caller may post a job the moment it sees us.
  let seen = Atomics.load(i32, I + L.GEN);
  Atomics.add(i32, I + L.READY, 1);
  Atomics.notify(i32, I + L.READY);
  ready();
  // a part claimed and not yet counted done: if this thread throws outside a kernel, it is
  // reported as failed, so the caller does not wait for it forever
  let inFlight = -1;
  try {
    for (;;) {
      let spins = 0;
      let until = 0;
      while (Atomics.load(i32, I + L.GEN) === seen) {
        if ((++spins & 63) !== 0) continue;
        const now = performance.now();
        if (until === 0) until = now + d.spinMs;
        else if (now > until) {
          Atomics.wait(i32, I + L.GEN, seen);
          until = 0;
        }
      }
      seen = Atomics.load(i32, I + L.GEN);
      if (Atomics.load(i32, I + L.STOP) !== 0) return;
      for (;;) {
        const part = Atomics.add(i32, I + L.CLAIM, 1);
        if (part >= i32[I + L.NPARTS]) break;
        inFlight = part;
        const n = i32[I + L.NARGS];
        const row = args0 + part * L.MAX_ARGS;
        const a: number[] = new Array(n);
        for (let j = 0; j < n; j++) a[j] = f64[row + j];
        try {
          const fn = i32[I + L.FN];
          if (fn === L.PROGRAM) runOps(fns, d.memory, a[0], a[1], a[2]);
          else f64[results + part] = fns[fn](...a) ?? 0;
        } catch {
          Atomics.store(i32, I + L.ERROR, part + 1);
        }
        inFlight = -1;
        Atomics.add(i32, I + L.DONE, 1);
        Atomics.notify(i32, I + L.DONE);
      }
    }
  } catch (e) {
    if (inFlight >= 0) {
      Atomics.store(i32, I + L.ERROR, inFlight + 1);
      Atomics.add(i32, I + L.DONE, 1);
      Atomics.notify(i32, I + L.DONE);
    }
    throw e;
  }
}
