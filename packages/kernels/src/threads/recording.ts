/**
 * The state of a kernel recording (program.ts): while one is active, the typed kernel accessors
 * (exports.ts) hand out the recording's stand-ins instead of the exports, gemm takes its packing
 * scratch from the recording (each program owns its own, so programs can run at the same time), and
 * `threadCount()` is 1 (a recorded call is one call; the program is the unit of parallel work).
 * This module imports nothing at run time, so exports.ts, gemm.ts and config.ts can all consult it.
 */
import type { DType, WasmArray } from '../arena.js';
import type { RawKernel } from '../exports.js';

export interface Recording {
  /** The stand-in for export `name`: records the call (or throws if `name` cannot be recorded). */
  kernel(name: string): RawKernel;
  /** Packing scratch of `n` elements owned by the program being recorded. */
  scratch(dtype: DType, n: number): WasmArray;
}

let active: Recording | undefined;

/** The recording in progress, if any. */
export function activeRecording(): Recording | undefined {
  return active;
}

/** Starts (a recording) or ends (undefined) recording; program.ts is the only caller. */
export function setActiveRecording(r: Recording | undefined): void {
  active = r;
}
