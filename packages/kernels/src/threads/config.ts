/**
 * How many threads the kernels use, and the pool behind them.
 *
 * Default: in Node, the environment variable `DESCENT_THREADS` if set, else
 * `os.availableParallelism()` capped at 8; in a browser, `navigator.hardwareConcurrency` capped
 * at 8 when the page is crossOriginIsolated, else 1. Workers start lazily, at the first kernel
 * call large enough to pay for them, so a small program never starts a thread. In Node that
 * first call waits for them (Atomics.wait); in a browser kernels run on the calling thread until
 * the workers are up (`await threadsReady()` to wait for them).
 */
import { wasmInfo } from '../wasm.js';
import { canBlock, Pool } from './pool.js';
import { activeRecording } from './recording.js';
import { MAX_PARTS } from './worker-main.js';

const DEFAULT_CAP = 8;
/** How long a Node caller waits for workers to start before running single-threaded. */
const START_TIMEOUT_MS = 30000;

let requested: { n: number; reason: string } | undefined;
let pool: Pool | undefined;
let startFailure: string | undefined;

function isNode(): boolean {
  return Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);
}

function defaultThreads(): { n: number; reason: string } {
  const info = wasmInfo();
  if (!info.shared) return { n: 1, reason: `single-threaded: no shared memory (${info.sharedReason})` };
  if (isNode()) {
    const env = (globalThis as { process: { env: Record<string, string | undefined> } }).process.env
      .DESCENT_THREADS;
    if (env !== undefined && env !== '') {
      const n = Number(env);
      if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS)
        throw new RangeError(`Invalid DESCENT_THREADS: ${env} (expected an integer from 1 to ${MAX_PARTS})`);
      return { n, reason: `DESCENT_THREADS=${env}` };
    }
    const os = (
      globalThis as { process: { getBuiltinModule(id: string): { availableParallelism(): number } } }
    ).process.getBuiltinModule('node:os');
    const cores = os.availableParallelism();
    return {
      n: Math.min(cores, DEFAULT_CAP),
      reason: `os.availableParallelism() = ${cores} (capped at ${DEFAULT_CAP})`,
    };
  }
  const cores =
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return {
    n: Math.max(1, Math.min(cores, DEFAULT_CAP)),
    reason: `crossOriginIsolated, navigator.hardwareConcurrency = ${cores} (capped at ${DEFAULT_CAP})`,
  };
}

function configured(): { n: number; reason: string } {
  requested ??= defaultThreads();
  return requested;
}

/**
 * Sets how many threads the kernels use: 1 is the single-threaded path (an idle pool is kept);
 * n > 1 starts (lazily) or resizes the worker pool. Throws a RangeError for a non-integer, n < 1, n > 64, or n > 1 where
 * memory cannot be shared (saying why: no SharedArrayBuffer, or a page not crossOriginIsolated).
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PARTS)
    throw new RangeError(`Invalid threads: ${String(n)} (expected an integer from 1 to ${MAX_PARTS})`);
  const info = wasmInfo();
  if (n > 1 && !info.shared)
    throw new RangeError(
      `setThreads(${n}): threads need shared memory, which is unavailable: ${info.sharedReason}`,
    );
  requested = { n, reason: `setThreads(${n})` };
  startFailure = undefined;
  // setThreads(1) keeps an idle pool (its workers asleep) for a later setThreads(n) back: a
  // program that toggles, as a benchmark does, does not restart workers each time.
  if (pool && n > 1 && pool.size !== n) {
    pool.dispose();
    pool = undefined;
  }
}

/** The number of threads kernels may use (1: single-threaded). */
export function threadCount(): number {
  if (activeRecording()) return 1;
  return startFailure ? 1 : configured().n;
}

function startPool(): Pool | undefined {
  const n = configured().n;
  if (n <= 1 || startFailure) return undefined;
  if (!pool) {
    try {
      const started: Pool = new Pool(n, (why) => {
        // a worker stopped: everything runs on one thread from now on, and backendInfo says why
        if (pool !== started) return;
        startFailure = `${why}; running on one thread (setThreads(n) starts a new pool)`;
        started.dispose();
        pool = undefined;
      });
      pool = started;
    } catch (e) {
      startFailure = `workers failed to start (${(e as Error).message})`;
      return undefined;
    }
    pool.ready.catch((e: Error) => {
      startFailure = `workers failed to start (${e.message})`;
    });
  }
  return pool;
}

/**
 * The pool, if threads are on and its workers are up. Starts it on first use; in Node (or a
 * browser worker) waits for the workers to start, on a page's main thread does not.
 */
export function activePool(): Pool | undefined {
  const p = startPool();
  if (!p) return undefined;
  if (p.isReady()) return p;
  if (canBlock() && isNode()) {
    if (p.waitReady(START_TIMEOUT_MS)) return p;
    startFailure = `workers did not start within ${START_TIMEOUT_MS / 1000} s`;
    p.dispose();
    pool = undefined;
  }
  return undefined;
}

/**
 * Starts the workers (if threads > 1) and resolves when they are ready to take kernel work. If
 * they cannot start (a Content-Security-Policy that forbids blob: workers, say), it resolves all
 * the same: the kernels run on the calling thread, and `backendInfo()` says why (threads: 1).
 */
export async function threadsReady(): Promise<void> {
  const p = startPool();
  if (!p) return;
  try {
    await p.ready;
  } catch (e) {
    startFailure = `workers failed to start (${(e as Error).message})`;
    if (pool === p) {
      p.dispose();
      pool = undefined;
    }
  }
}

export interface BackendInfo {
  /** threads kernels use (1: single-threaded) */
  threads: number;
  /** which SIMD build is loaded */
  simd: 'relaxed' | 'plain';
  /** whether kernel memory is a shared WebAssembly.Memory */
  sharedMemory: boolean;
  /** in browsers: the page's crossOriginIsolated */
  crossOriginIsolated?: boolean;
  /** whether the worker pool is running */
  workersRunning: boolean;
  /** why these settings (threads, then SIMD) */
  reason: string;
}

/** What the kernels run on, and why. */
export function backendInfo(): BackendInfo {
  const info = wasmInfo();
  const { n, reason } = configured();
  const coi = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const out: BackendInfo = {
    threads: startFailure ? 1 : n,
    simd: info.simd,
    sharedMemory: info.shared,
    workersRunning: pool?.isReady() ?? false,
    reason: `threads: ${startFailure ?? reason}; simd: ${info.simdReason}`,
  };
  if (!isNode()) out.crossOriginIsolated = coi === true;
  return out;
}

/** Jobs the current pool has run (0 without one): tests use it to check that threads were used. */
export function poolJobs(): number {
  return pool?.jobs ?? 0;
}

/** The running pool, if any (tests). */
export function currentPool(): Pool | undefined {
  return pool;
}
