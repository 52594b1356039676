/**
 * The worker pool: `size - 1` workers over the kernels' shared memory, plus the caller's thread.
 * A job is one kernel export run as `parts` calls with different arguments (rows of C, chunks of
 * a parameter): the caller writes the arguments into the control block (worker-main.ts has its
 * layout) and bumps the generation; then every thread, the caller's included, claims parts until
 * none is left, and the caller waits for the last one. On a loaded machine a worker that is slow
 * to wake therefore costs nothing: the caller runs the parts it has not claimed.
 *
 * Workers: `worker_threads` in Node (`unref()`ed, so a process with an idle pool exits), Web
 * Workers from a Blob URL in browsers. Both get the compiled Module and the shared Memory in their
 * start message and sleep in `Atomics.wait` between jobs. The caller waits by spinning, then with
 * `Atomics.wait` where the thread may block (Node, any worker); a browser's main thread only spins.
 *
 * Only the caller's thread allocates: the control block and every part's scratch come from the
 * arena before a job starts, and workers never grow memory. When the caller grows memory, the
 * workers' wasm instances see the new size at once (it is one shared memory).
 */
import { alloc, type WasmArray } from '../arena.js';
import { functionExportNames, kernelsInExportOrder, rawKernel } from '../exports.js';
import { wasmInfo } from '../wasm.js';
import { runOps } from './run-ops.js';
import {
  ARGS_AT,
  CLAIM,
  CONTROL_BYTES,
  DONE,
  ERROR,
  FN,
  GEN,
  MAX_ARGS,
  MAX_PARTS,
  NARGS,
  NPARTS,
  PROGRAM,
  READY,
  RESULTS_AT,
  STOP,
  type WorkerInit,
  workerMain,
} from './worker-main.js';

/**
 * How long a worker polls for the next job before it sleeps in Atomics.wait, in ms. Back-to-back
 * jobs then find it awake: the kernel calls of a training step, a few us apart, and fit()'s
 * data-parallel steps, one job each with 100-150 us of serial work between them (the gradient sum,
 * the optimizer, the next batch's gather). Waking a sleeping worker costs 20-50 us more, paid at
 * every step when the spin is shorter than that gap: at 0.1 ms, fit() on digits at batch 256 spent
 * 3.6 ms per epoch in its jobs on 2 threads, at 0.5 ms 3.0 ms (2.0 ms would not be better).
 * Spinning costs a core's time while it lasts, so it stays short.
 */
const WORKER_SPIN_MS = 0.5;
/** How long the caller polls for the workers' last parts before it sleeps (where it may). */
const CALLER_SPIN_MS = 0.5;

interface AnyWorker {
  terminate(): unknown;
}

interface NodeWorkerThreads {
  Worker: new (
    src: string,
    opts: { eval: true; workerData: unknown },
  ) => AnyWorker & { unref(): void; on(ev: string, f: (x: unknown) => void): void };
}

function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
}

/** Whether this thread may block in Atomics.wait (Node, or a browser worker; not a page's main thread). */
export function canBlock(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; WorkerGlobalScope?: unknown };
  return Boolean(g.process?.versions?.node) || typeof g.WorkerGlobalScope !== 'undefined';
}

const layout = {
  GEN,
  DONE,
  READY,
  FN,
  NARGS,
  NPARTS,
  STOP,
  ERROR,
  CLAIM,
  PROGRAM,
  ARGS_AT,
  MAX_ARGS,
  RESULTS_AT,
};

export class Pool {
  readonly size: number;
  /** resolves when every worker has instantiated the kernels */
  readonly ready: Promise<void>;
  private readonly workers: AnyWorker[] = [];
  private readonly ctl: WasmArray;
  private readonly names: string[];
  private readonly index = new Map<string, number>();
  private i32: Int32Array;
  private f64: Float64Array;
  private buffer: ArrayBufferLike;
  private disposed = false;
  private lostReported = false;
  /** jobs run so far (tests check that threads were used) */
  jobs = 0;
  /** parts run so far, and how many of them the workers ran (the rest: the caller's thread) */
  parts = 0;
  workerParts = 0;

  /**
   * Starts `size - 1` workers (size >= 2); they become usable once `isReady()`. `onLost` is told
   * when a started worker stops (it exited or threw outside a kernel): the pool is then unusable.
   * A job never waits on a worker that stopped while idle (parts are claimed, not assigned); one
   * that dies inside a part it claimed reports it (worker-main.ts) unless the thread was killed.
   */
  constructor(size: number, onLost?: (why: string) => void) {
    const info = wasmInfo();
    if (!info.workerModule) throw new Error('worker pool needs shared memory');
    this.size = size;
    this.ctl = alloc('f64', CONTROL_BYTES / 8);
    this.buffer = info.memory.buffer;
    this.i32 = new Int32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.names = functionExportNames();
    for (const [i, name] of this.names.entries()) this.index.set(name, i);
    const readies: Promise<void>[] = [];
    const node = nodeWorkerThreads();
    // runOps is passed to workerMain as an argument: each function's source stands alone
    const source = `(${workerMain.toString()})`;
    const run = `(${runOps.toString()})`;
    try {
      for (let w = 1; w < size; w++) {
        const init: WorkerInit = {
          module: info.workerModule,
          memory: info.memory,
          ctl: this.ctl.ptr,
          index: w,
          names: this.names,
          spinMs: WORKER_SPIN_MS,
          layout,
        };
        if (node) {
          const worker = new node.Worker(
            // getBuiltinModule, not require: an eval worker is ESM when the process was started with --input-type=module
            `const { workerData, parentPort } = process.getBuiltinModule('node:worker_threads');\n${source}(workerData, () => parentPort.postMessage('ready'), ${run});`,
            { eval: true, workerData: init },
          );
          // Referenced until it reports ready (so `await threadsReady()` keeps the process alive
          // that long), then unref()ed: an idle pool never keeps a process from exiting.
          let started = false;
          readies.push(
            new Promise((resolve, reject) => {
              worker.on('message', () => {
                started = true;
                worker.unref();
                resolve();
              });
              worker.on('error', (e) => {
                worker.unref();
                if (started) this.lost(onLost, `worker ${w} threw: ${(e as Error).message}`);
                else reject(e);
              });
              worker.on('exit', (code) => {
                if (started) this.lost(onLost, `worker ${w} exited (code ${String(code)})`);
              });
            }),
          );
          this.workers.push(worker);
        } else {
          const src = `self.onmessage = (e) => { self.onmessage = null; ${source}(e.data, () => self.postMessage('ready'), ${run}); };`;
          const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
          const worker = new Worker(url);
          URL.revokeObjectURL(url);
          let started = false;
          readies.push(
            new Promise((resolve, reject) => {
              worker.onmessage = () => {
                started = true;
                resolve();
              };
              worker.onerror = (e) => {
                if (started) this.lost(onLost, `worker ${w} threw: ${e.message}`);
                else reject(new Error(`kernel worker failed to start: ${e.message}`));
              };
            }),
          );
          worker.postMessage(init);
          this.workers.push(worker);
        }
      }
    } catch (e) {
      // a worker could not be created (a Content-Security-Policy, say): undo what was started
      for (const w of this.workers) w.terminate();
      this.ctl.free();
      throw e;
    }
    this.ready = Promise.all(readies).then(() => undefined);
    this.ready.catch(() => {}); // reported through threadsReady(); never an unhandled rejection
  }

  /** A started worker stopped: tell the owner once (it disposes the pool), unless disposing. */
  private lost(onLost: ((why: string) => void) | undefined, why: string): void {
    if (this.disposed || this.lostReported) return;
    this.lostReported = true;
    onLost?.(why);
  }

  /** Stops worker `w` (1 ...) as a crash would (tests of what follows). */
  killWorker(w: number): Promise<unknown> {
    return Promise.resolve(this.workers[w - 1].terminate());
  }

  private views(): void {
    const buf = wasmInfo().memory.buffer;
    if (buf !== this.buffer) {
      this.buffer = buf;
      this.i32 = new Int32Array(buf);
      this.f64 = new Float64Array(buf);
    }
  }

  /** Parts finished in the current (or last) job, by any thread (tests). */
  partsDone(): number {
    this.views();
    return Atomics.load(this.i32, (this.ctl.ptr >> 2) + DONE);
  }

  /** Whether every worker has started. */
  isReady(): boolean {
    this.views();
    return Atomics.load(this.i32, (this.ctl.ptr >> 2) + READY) === this.size - 1;
  }

  /** Blocks (Atomics.wait) until every worker has started, at most `ms` milliseconds; true if they have. */
  waitReady(ms: number): boolean {
    const at = (this.ctl.ptr >> 2) + READY;
    const end = performance.now() + ms;
    for (;;) {
      this.views();
      const n = Atomics.load(this.i32, at);
      if (n === this.size - 1) return true;
      const left = end - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.i32, at, n, Math.min(left, 50));
    }
  }

  /**
   * Runs kernel `name` once per row of `parts` (parts[i] its arguments) on this thread and the
   * workers, each part claimed by whichever thread comes first, and returns the kernels' return
   * values in part order. Throws if a part trapped (after every part has finished). `during`
   * (tests) runs on this thread after the job is posted, before it claims parts.
   */
  run(name: string, parts: number[][], during?: () => void): number[] {
    const fn = this.index.get(name);
    if (fn === undefined) throw new Error(`kernels.wasm has no export '${name}'`);
    const kernel = rawKernel(name);
    return this.job(fn, `kernel '${name}'`, parts, (a) => kernel(...a) ?? 0, during);
  }

  /**
   * Runs kernel programs (program.ts), one per part: parts[i] = [ops byte address, op count,
   * results byte address]. Each program runs wholly on the thread that claims it.
   */
  runPrograms(parts: number[][]): void {
    const memory = wasmInfo().memory;
    const kernels = kernelsInExportOrder();
    this.job(PROGRAM, 'a kernel program', parts, (a) => {
      runOps(kernels, memory, a[0], a[1], a[2]);
      return 0;
    });
  }

  /** One job: `fn` (an export index or PROGRAM) on every part; `exec` runs a part on this thread. */
  private job(
    fn: number,
    what: string,
    parts: number[][],
    exec: (args: number[]) => number,
    during?: () => void,
  ): number[] {
    const p = parts.length;
    if (p > MAX_PARTS) throw new Error(`pool: ${p} parts (at most ${MAX_PARTS})`);
    const nargs = parts[0].length;
    if (nargs > MAX_ARGS) throw new Error(`pool: ${nargs} arguments (at most ${MAX_ARGS})`);
    this.views();
    const i32 = this.i32;
    const f64 = this.f64;
    const I = this.ctl.ptr >> 2;
    const F = this.ctl.ptr / 8;
    for (let i = 0; i < p; i++) {
      const row = F + ARGS_AT / 8 + i * MAX_ARGS;
      for (let j = 0; j < nargs; j++) f64[row + j] = parts[i][j];
    }
    i32[I + FN] = fn;
    i32[I + NARGS] = nargs;
    i32[I + NPARTS] = p;
    Atomics.store(i32, I + DONE, 0);
    Atomics.store(i32, I + ERROR, 0);
    Atomics.store(i32, I + CLAIM, 0);
    Atomics.add(i32, I + GEN, 1);
    Atomics.notify(i32, I + GEN);
    this.jobs++;
    const results: number[] = new Array(p);
    const mine: boolean[] = new Array(p).fill(false);
    let thrown: unknown;
    try {
      during?.();
    } catch (e) {
      thrown = e;
    }
    for (;;) {
      const part = Atomics.add(i32, I + CLAIM, 1);
      if (part >= p) break;
      mine[part] = true;
      try {
        results[part] = exec(parts[part]);
      } catch (e) {
        thrown ??= e;
      }
      Atomics.add(i32, I + DONE, 1);
    }
    this.join(i32, I + DONE, p);
    if (thrown !== undefined) throw thrown;
    const failed = Atomics.load(i32, I + ERROR);
    if (failed !== 0) throw new Error(`${what} trapped on a worker (part ${failed - 1})`);
    this.parts += p;
    for (let i = 0; i < p; i++) {
      if (mine[i]) continue;
      results[i] = f64[F + RESULTS_AT / 8 + i];
      this.workerParts++;
    }
    return results;
  }

  /** Waits until i32[at] reaches `count`: spins, then sleeps where this thread may block. */
  private join(i32: Int32Array, at: number, count: number): void {
    const block = canBlock();
    let spins = 0;
    let until = 0;
    for (;;) {
      const done = Atomics.load(i32, at);
      if (done >= count) return;
      if (!block || (++spins & 63) !== 0) continue;
      const now = performance.now();
      if (until === 0) until = now + CALLER_SPIN_MS;
      else if (now > until) Atomics.wait(i32, at, done, 10);
    }
  }

  /** Stops the workers (they return from their loop) and terminates them. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.views();
    const I = this.ctl.ptr >> 2;
    Atomics.store(this.i32, I + STOP, 1);
    Atomics.add(this.i32, I + GEN, 1);
    Atomics.notify(this.i32, I + GEN);
    const exits = this.workers.map((w) => w.terminate());
    // The control block is freed once no worker can read it any more.
    Promise.all(exits).then(
      () => this.ctl.free(),
      () => this.ctl.free(),
    );
  }
}
