/**
 * The messages between the page and its compute worker (compute-worker.ts). The page asks for a
 * race or a training run; the worker answers with plain data (typed arrays, numbers, strings),
 * so nothing but structured clones crosses. Stopping is the page's: it terminates the worker.
 *
 *   race   →  race (every row and what to draw of it) | error
 *   tune   →  tuned (the best learning rate of each first-order racer, tune.ts) | error
 *   train  →  data (the points and their box), then progress … (new epochs and the decision map),
 *             then done | error
 *   critical → critical (the critical points found, when asked, and the report on one point) | error
 *   kernels →  kernels (a self-check: the SIMD dot product of 1..1000 with itself; the backend:
 *             threads, once the worker pool is up where the page is crossOriginIsolated, and SIMD)
 *   landscape → landscape (slices and Hessian eigenvalues of the network the last train job
 *             finished in this worker, landscape.ts) | error
 *   notes-noise, notes-staircase, notes-sharpness → the same kind with its result
 *             (notes-compute.ts) | error
 */
import type { BackendInfo } from '@descent/kernels';
import type { EpochRecord } from '@descent/mlp';
import type { FoundPoint, PointReport } from './critical-compute.js';
import type { Landscape } from './landscape.js';
import type { NoiseRaceResult } from './notes-noise.js';
import type { StairPath } from './notes-quadratic.js';
import type { SharpnessRow } from './notes-sharpness.js';
import type { ProblemSpec } from './problem-spec.js';
import type { RaceEntry, RaceRow } from './race.js';
import type { RaceTrace } from './race-trace.js';
import type { Domain } from './surface.js';
import type { TrainingSetup } from './training.js';

/** The notes' panels: the noise race, coordinate descent's staircase, sharpness. */
export type NotesRequest =
  | { kind: 'notes-noise'; lr: number; passes: number }
  | { kind: 'notes-staircase'; angle: number }
  | { kind: 'notes-sharpness' };

export type ComputeRequest =
  | NotesRequest
  | {
      kind: 'race';
      problem: ProblemSpec;
      x0: number[];
      entries: RaceEntry[];
      gtol: number;
      maxIter: number;
    }
  | { kind: 'train'; setup: TrainingSetup }
  | {
      kind: 'tune';
      problem: ProblemSpec;
      x0: number[];
      entries: RaceEntry[];
      gtol: number;
    }
  | {
      kind: 'critical';
      problem: ProblemSpec;
      /** The point to inspect (default: the first saddle found, see critical-compute.ts). */
      at?: [number, number];
      /** Search the box for every critical point too. */
      search: boolean;
    }
  | { kind: 'kernels' }
  | { kind: 'landscape' };

/** A race row without its full path and losses (the trace has what is drawn). */
export type RaceSummary = Omit<RaceRow, 'path' | 'losses'> & { trace: RaceTrace };

export type ComputeReply =
  | { kind: 'race'; rows: RaceSummary[] }
  | { kind: 'tuned'; rates: Record<string, number> }
  | {
      kind: 'data';
      /** The training points and the held-out test points (x, y interleaved; labels). */
      train: { x: Float32Array; y: Int32Array };
      test: { x: Float32Array; y: Int32Array } | undefined;
      classes: number;
      domain: Domain;
    }
  | {
      kind: 'progress';
      epoch: number;
      /** The epochs finished since the last progress message. */
      records: EpochRecord[];
      /** Class probabilities on a G x G grid over the box (Trainer.decisionGrid). */
      grid: Float32Array;
      G: number;
    }
  | { kind: 'critical'; found: FoundPoint[] | undefined; point: PointReport }
  | { kind: 'kernels'; dot: number; backend: BackendInfo }
  | { kind: 'landscape'; landscape: Landscape }
  | { kind: 'notes-noise'; result: NoiseRaceResult }
  | { kind: 'notes-staircase'; A: number[]; paths: StairPath[] }
  | { kind: 'notes-sharpness'; rows: SharpnessRow[] }
  | { kind: 'done'; stopped: string }
  | { kind: 'error'; message: string };
