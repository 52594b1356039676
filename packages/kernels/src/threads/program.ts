/**
 * Kernel programs: a sequence of kernel calls recorded once and run many times, each program
 * wholly on one thread, several programs at once on the worker pool. This is how a training step
 * runs data-parallel (@descent/mlp's fit() records one program per shard of a batch: forward,
 * loss, backward into the shard's own gradients) with one hand-out and one join per step, instead of
 * one per product.
 *
 *   const prog = recordKernels(() => { gemm(X, W, Y); relu(Y.data, Y.data); ... });
 *   runKernelPrograms([prog0, prog1, ...]);   // each program's calls in order, programs in parallel
 *   prog.result(i)                            // op i's return value from the last run
 *
 * Recording runs the body once with the typed kernel wrappers' usual checks, but every kernel call
 * is appended to the program instead of executed (it returns 0). So the body's pointers, shapes and
 * scalars are fixed at recording: a program replays the same calls on the same buffers (the data in
 * them may change between runs). What a body may do:
 * - call the typed wrappers of the kernels in RECORDABLE (products, bias, activations, losses,
 *   BLAS-1, indexSelect's row gathers): each is one export call whose result nothing in JavaScript
 *   acts on, so replaying the calls is the body. (indexSelect checks its indices when the program
 *   runs: read its op's result, 0 or j + 1 for a bad indices[j], which stopped it writing.) Any other kernel throws while recording (its wrapper may read memory between
 *   calls, run loops of its own, or need threads). A recorded call returns 0: read its real value
 *   with `result(i)` after a run (`recordedCalls()` before the call gives its i).
 * - allocate (the buffers live on; the caller owns them and must keep them alive while the program
 *   is used). gemm's packing scratch is the program's own, freed with it.
 * Programs run at the same time must not write where another reads or writes.
 *
 * Results are those of calling the kernels directly in the same order, bit for bit, whichever thread
 * runs a program: a program is the same calls with the same arguments.
 */
import { alloc, type DType, type WasmArray } from '../arena.js';
import { functionExportNames, kernelsInExportOrder, type RawKernel } from '../exports.js';
import { wasm, wasmInfo } from '../wasm.js';
import { activePool, threadCount } from './config.js';
import { activeRecording, type Recording, setActiveRecording } from './recording.js';
import { runOps } from './run-ops.js';
import { MAX_PARTS } from './worker-main.js';

/** Kernels whose typed wrapper is exactly one export call with no result read in JavaScript. */
const RECORDABLE = new Set([
  'gemm',
  'biasAdd',
  'columnSums',
  'relu',
  'reluBackward',
  'leakyRelu',
  'leakyReluBackward',
  'sigmoid',
  'sigmoidBackward',
  'tanh',
  'tanhBackward',
  'gelu',
  'geluBackward',
  'softmax',
  'softmaxBackward',
  'logSoftmax',
  'logSoftmaxBackward',
  'softmaxCrossEntropy',
  'mseLoss',
  'bceWithLogits',
  'scal',
  'copy',
  'axpy',
  // indexSelect's single-thread call: it checks its indices when the program runs, and a bad one
  // leaves j + 1 as the op's result (0: every index good) with nothing written
  'indexSelectChecked',
]);
/** Pure queries a wrapper needs while recording (sizes): run at once, not recorded. */
const IMMEDIATE = new Set(['gemm_scratch']);

/** `relu_f32` -> `relu` */
function baseName(name: string): string {
  return name.replace(/_f(32|64)$/, '');
}

let index: Map<string, number> | undefined;

/** A kernel's index in export order (what a program's ops store). */
function exportIndex(): Map<string, number> {
  index ??= new Map(functionExportNames().map((n, i) => [n, i]));
  return index;
}

export class KernelProgram {
  private readonly ops: WasmArray<'f64'>;
  private readonly results: WasmArray<'f64'>;
  private readonly owned: WasmArray[];
  /** The recorded calls, by name (tests, debugging). */
  readonly calls: readonly string[];

  /** @internal use recordKernels */
  constructor(calls: Array<{ name: string; args: number[] }>, owned: WasmArray[]) {
    const idx = exportIndex();
    let words = 0;
    for (const c of calls) words += 2 + c.args.length;
    this.ops = alloc('f64', Math.max(1, words));
    this.results = alloc('f64', Math.max(1, calls.length));
    this.results.data.fill(Number.NaN); // never a result that looks real before a run
    const v = this.ops.data;
    let at = 0;
    for (const c of calls) {
      v[at] = idx.get(c.name) as number;
      v[at + 1] = c.args.length;
      v.set(c.args, at + 2);
      at += 2 + c.args.length;
    }
    this.calls = Object.freeze(calls.map((c) => c.name));
    this.owned = owned;
  }

  /** Number of recorded calls. */
  get length(): number {
    return this.calls.length;
  }

  /** Op i's return value from the program's last run (NaN before the first run). */
  result(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.length)
      throw new RangeError(`Invalid op: ${String(i)} (the program has ${this.length})`);
    return this.results.data[i];
  }

  /** The pool's arguments for this program: [ops byte address, op count, results byte address]. */
  args(): number[] {
    return [this.ops.ptr, this.length, this.results.ptr];
  }

  /** Runs the program on this thread. */
  run(): void {
    runOps(kernelsInExportOrder(), wasmInfo().memory, this.ops.ptr, this.length, this.results.ptr);
  }

  /** Returns the program's memory (ops, results, scratch) to the arena. */
  free(): void {
    this.ops.free();
    this.results.free();
    for (const s of this.owned) s.free();
  }
}

class Recorder implements Recording {
  readonly calls: Array<{ name: string; args: number[] }> = [];
  readonly owned: WasmArray[] = [];
  private readonly scratches: Partial<Record<DType, WasmArray>> = {};

  kernel(name: string): RawKernel {
    const base = baseName(name);
    if (IMMEDIATE.has(base)) return wasm()[name] as RawKernel;
    if (!RECORDABLE.has(base)) throw new Error(`kernel '${name}' cannot be recorded into a program`);
    if (!exportIndex().has(name)) throw new Error(`kernels.wasm has no export '${name}'`);
    return (...args: number[]) => {
      if (activeRecording() !== this)
        throw new Error(`a recorded call to '${name}' was made after its recording ended`);
      this.calls.push({ name, args });
      return 0;
    };
  }

  scratch(dtype: DType, n: number): WasmArray {
    const s = this.scratches[dtype];
    if (s && s.length >= n) return s;
    // earlier calls keep the smaller one (their pointers are recorded): both stay until free()
    const grown = alloc(dtype, Math.max(1, n));
    this.scratches[dtype] = grown;
    this.owned.push(grown);
    return grown;
  }
}

let recorder: Recorder | undefined;

/**
 * Records the kernel calls `body` makes into a program (see the module comment for what a body may
 * do). Throws what the body throws, or if a call cannot be recorded; nothing is left allocated then.
 */
export function recordKernels(body: () => void): KernelProgram {
  if (recorder) throw new Error('recordKernels: a recording is already in progress');
  const rec = new Recorder();
  recorder = rec;
  setActiveRecording(rec);
  try {
    body();
  } catch (e) {
    for (const s of rec.owned) s.free();
    throw e;
  } finally {
    recorder = undefined;
    setActiveRecording(undefined);
  }
  return new KernelProgram(rec.calls, rec.owned);
}

/** The number of calls recorded so far in the recording in progress (to find an op's result). */
export function recordedCalls(): number {
  if (!recorder) throw new Error('recordedCalls: no recording in progress');
  return recorder.calls.length;
}

/**
 * Runs every program, each wholly on one thread: on the pool when threads are on and there are at
 * least two, else one after another on this thread. Results do not depend on which.
 */
export function runKernelPrograms(programs: readonly KernelProgram[]): void {
  if (programs.length >= 2 && threadCount() >= 2) {
    const pool = activePool();
    if (pool) {
      for (let i = 0; i < programs.length; i += MAX_PARTS)
        pool.runPrograms(programs.slice(i, i + MAX_PARTS).map((p) => p.args()));
      return;
    }
  }
  for (const p of programs) p.run();
}
