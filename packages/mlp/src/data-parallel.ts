/**
 * Data-parallel training steps for fit(). A batch of B rows is cut into shards of about SHARD_ROWS
 * rows, a cut that depends on B and the model's size alone, never on the thread count. Each shard
 * runs forward, loss and backward on replicas of the layers (the same weights in the same memory,
 * gradients and buffers of their own) as one recorded kernel program; the programs run at once on
 * the kernels' worker pool, one hand-out and one join per step; then the gradients are summed in
 * shard order:
 *
 *   L = Σ_s (B_s / B) L_s          ∇L = Σ_s ∇[(B_s / B) L_s]          (s = 0, 1, ... in order)
 *
 * The losses are means over their rows, so each shard's output gradient is scaled by B_s / B
 * before its backward pass. Results are therefore identical for any thread count, bit for bit.
 * They differ from one pass over the whole batch only in the order of the sums over rows (the
 * weight and bias gradients, the loss); a batch of at most SHARD_ROWS rows is one shard, which is
 * exactly that pass.
 *
 * The replicas, buffers and recorded programs are kept with the model from one fit() call to the
 * next (as its layers keep their batch buffers), and freed by `model.free()`.
 *
 * The rows: a training set of at most RESIDENT_BYTES is copied into kernel memory at the first
 * sharded step of a fit() call, and each program starts by gathering its shard's rows from it
 * (`indexSelect` by the rows' indices, written before each step), on its own thread. The buffers
 * stay with the model (the programs point into them), the data set is let go at the end of the
 * call (`release`). A larger set is gathered in JavaScript before the programs run: the copy
 * would double its memory to save the ~5% of a step the gather costs.
 *
 * Which models: every layer needs `replicate()` (dense layers and activations; batch norm couples
 * the rows of a batch and dropout draws its mask in row order, so a model with either trains on
 * whole batches, its products still split over threads by rows), and the loss must be one of the
 * three built in (a custom loss may do anything in JavaScript, which a program cannot replay).
 */
import type { Param } from '@descent/core';
import {
  alloc,
  axpy,
  copy,
  indexSelect,
  type KernelProgram,
  recordedCalls,
  recordKernels,
  runKernelPrograms,
  scal,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';
import { type BatchLoader, countCorrect, type PreparedData } from './batches.js';
import { BatchBuffers, type LayerReplica } from './layers/layer.js';
import { backwardThrough, forwardThrough, type Sequential } from './layers/sequential.js';
import { bceWithLogits, type Loss, mseLoss, softmaxCrossEntropy } from './losses/losses.js';

/** Rows per shard at least (a smaller batch is one shard): products of this height keep gemm fast. */
export const SHARD_ROWS = 64;
/** Shards per batch at most: larger batches get larger shards. */
export const MAX_SHARDS = 16;
/** Bytes of replica gradients at most, in all: a large model gets fewer, larger shards. */
export const GRADIENT_BYTES = 256 * 2 ** 20;
/** Bytes of a training set at most (inputs and targets) that fit() keeps in kernel memory. */
export let RESIDENT_BYTES = 64 * 2 ** 20;

/** @internal Sets RESIDENT_BYTES (tests take the JavaScript gather with 0); returns the old value. */
export function setResidentBytes(bytes: number): number {
  const old = RESIDENT_BYTES;
  RESIDENT_BYTES = bytes;
  return old;
}

/**
 * The rows of each shard of a batch of `rows` rows, for a model of `parameters` values of `bytes`
 * bytes: as many shards as SHARD_ROWS, MAX_SHARDS and GRADIENT_BYTES allow, of equal size rounded
 * up to a multiple of 4 (gemm's row tile), the last taking the rest. Where rows / SHARD_ROWS
 * rounds up to an odd count above 1, one more shard: an even count shares evenly between two
 * threads (a short last batch of 157 rows is 40 + 40 + 40 + 37, not 56 + 56 + 45, which would hold
 * two threads to 112 rows' time). The count still depends on the batch and the model alone.
 */
export function shardSizes(rows: number, parameters: number, bytes: number): number[] {
  const byMemory = Math.max(1, Math.floor(GRADIENT_BYTES / Math.max(1, parameters * bytes)));
  const wanted = Math.ceil(rows / SHARD_ROWS);
  const count = Math.min(MAX_SHARDS, byMemory, wanted > 1 ? wanted + (wanted % 2) : 1);
  if (count <= 1) return [rows];
  const size = 4 * Math.ceil(rows / count / 4);
  const sizes: number[] = [];
  for (let from = 0; from < rows; from += size) sizes.push(Math.min(size, rows - from));
  return sizes;
}

/** One batch size's shards: their inputs, outputs and recorded programs. */
interface Plan {
  sizes: number[];
  from: number[];
  x: WasmMatrix[];
  y: WasmArray[];
  out: WasmMatrix[];
  programs: KernelProgram[];
  lossOps: number[];
  /** with a resident training set: each shard's row indices, and its two gathers' op numbers */
  rows?: WasmArray[];
  gatherOps?: number[][];
}

/** The training set in kernel memory: `capacity` rows of inputs and targets (the first n used). */
interface Resident {
  /** the data set copied in (undefined between fit() calls) */
  data: PreparedData | undefined;
  capacity: number;
  x: WasmArray;
  y: WasmArray;
}

/** Shard s's replicas and buffers (shared by every batch size's plan: they never run at once). */
interface Shard {
  layers: LayerReplica[];
  gradients: WasmArray[];
  x: BatchBuffers;
  y: BatchBuffers;
  dOut: BatchBuffers;
}

const BUILT_IN: ReadonlySet<Loss> = new Set([mseLoss, softmaxCrossEntropy, bceWithLogits]);

/** Each model's sharded steps, by loss and target width, kept until the model is freed. */
const kept = new WeakMap<Sequential, Map<string, ShardedSteps>>();

export class ShardedSteps {
  private readonly params: Param[];
  /** the model's parameter count and bytes per value (shardSizes' inputs besides the rows) */
  private readonly values: number;
  private readonly shards: Shard[] = [];
  private readonly plans = new Map<number, Plan>();
  private last: Plan | undefined;
  private resident: Resident | undefined;
  /** the data set of this fit() call when it does not fit in RESIDENT_BYTES */
  private declined: PreparedData | undefined;

  private constructor(
    private readonly model: Sequential,
    private readonly loss: Loss,
    private readonly targetWidth: number,
  ) {
    this.params = model.parameters();
    this.values = this.params.reduce((n, p) => n + p.length, 0);
  }

  /**
   * The sharded steps of `model` with `loss` (kept with the model), or undefined where they cannot
   * be sharded (see above).
   */
  static for(model: Sequential, loss: Loss, targetWidth: number): ShardedSteps | undefined {
    if (!BUILT_IN.has(loss)) return undefined;
    if (!model.layers.every((l) => typeof l.replicate === 'function')) return undefined;
    let mine = kept.get(model);
    if (!mine) {
      const steps = new Map<string, ShardedSteps>();
      kept.set(model, steps);
      model.onFree(() => {
        for (const s of steps.values()) s.free();
        kept.delete(model);
      });
      mine = steps;
    }
    const key = `${loss.name} ${targetWidth}`;
    let steps = mine.get(key);
    if (!steps) {
      steps = new ShardedSteps(model, loss, targetWidth);
      mine.set(key, steps);
    }
    return steps;
  }

  /** Lets go of the data set of the fit() call that ends (the resident buffers stay). */
  release(): void {
    if (this.resident) this.resident.data = undefined;
    this.declined = undefined;
  }

  /**
   * The training set of the coming steps: copied into kernel memory if it has at most
   * RESIDENT_BYTES (into the buffers of the last one when they are large enough, which keeps the
   * recorded programs), else gathered in JavaScript at each step.
   */
  private useData(data: PreparedData): void {
    const bytes = this.model.dtype === 'f32' ? 4 : 8;
    const fits = data.n * (data.features + data.targetWidth) * bytes <= RESIDENT_BYTES;
    // row indices are stored in the model's dtype: f32 holds the integers up to 2^24 exactly
    const indexable = bytes === 8 || data.n <= 2 ** 24;
    if (!fits || !indexable) {
      this.dropResident();
      this.declined = data;
      return;
    }
    if (this.resident && this.resident.capacity < data.n) this.dropResident();
    if (!this.resident) {
      const dt = this.model.dtype;
      this.resident = {
        data,
        capacity: data.n,
        x: alloc(dt, data.n * data.features),
        y: alloc(dt, data.n * data.targetWidth),
      };
    }
    const kept = this.resident;
    kept.data = data;
    kept.x.data.set(data.x);
    kept.y.data.set(data.y);
  }

  /** Whether a batch of `rows` rows is cut into more than one shard. */
  splits(rows: number): boolean {
    return this.sizes(rows).length > 1;
  }

  /**
   * One step on batch `b` of `loader`: every parameter's gradient is overwritten with ∇L (the sum
   * over shards, in order); returns L, the mean loss over the batch's rows.
   */
  step(loader: BatchLoader, b: number): number {
    const rows = loader.rowsIn(b);
    if (this.resident?.data !== loader.data && this.declined !== loader.data) this.useData(loader.data);
    const resident = this.resident?.data === loader.data;
    const plan = this.planFor(rows, resident);
    const start = b * loader.batchSize;
    for (let s = 0; s < plan.sizes.length; s++) {
      const from = start + plan.from[s];
      if (plan.rows) plan.rows[s].data.set(loader.order.subarray(from, from + plan.sizes[s]));
      else loader.gather(b, plan.from[s], plan.x[s], plan.y[s]);
    }
    runKernelPrograms(plan.programs);
    if (plan.gatherOps) checkGathers(plan);
    for (let j = 0; j < this.params.length; j++) {
      const g = this.params[j].gradient;
      copy(this.shards[0].gradients[j], g);
      for (let s = 1; s < plan.sizes.length; s++) axpy(1, this.shards[s].gradients[j], g);
    }
    let loss = 0;
    for (let s = 0; s < plan.sizes.length; s++)
      loss += (plan.sizes[s] / rows) * plan.programs[s].result(plan.lossOps[s]);
    this.last = plan;
    return loss;
  }

  /** Rows of the last step whose largest output is at their label (`rows`: the batch's row indices). */
  countCorrect(labels: Int32Array, rows: Int32Array): number {
    const plan = this.last;
    if (!plan) return 0;
    let correct = 0;
    for (let s = 0; s < plan.sizes.length; s++) {
      const from = plan.from[s];
      correct += countCorrect(plan.out[s], labels, rows.subarray(from, from + plan.sizes[s]));
    }
    return correct;
  }

  /** Returns the replicas, buffers and programs to the arena (they are made again if needed). */
  free(): void {
    this.dropResident();
    this.freePlans();
    for (const s of this.shards) {
      for (const l of s.layers) l.free();
      s.x.free();
      s.y.free();
      s.dOut.free();
    }
    this.shards.length = 0;
    this.last = undefined;
  }

  /** Frees the resident training set and the plans whose programs gather from it. */
  private dropResident(): void {
    if (!this.resident) return;
    this.resident.x.free();
    this.resident.y.free();
    this.resident = undefined;
    this.freePlans();
  }

  private freePlans(): void {
    for (const p of this.plans.values()) {
      for (const prog of p.programs) prog.free();
      for (const r of p.rows ?? []) r.free();
    }
    this.plans.clear();
    this.last = undefined;
  }

  private sizes(rows: number): number[] {
    return shardSizes(rows, this.values, this.model.dtype === 'f32' ? 4 : 8);
  }

  private shard(s: number): Shard {
    while (this.shards.length <= s) {
      const layers = this.model.layers.map((l) => (l.replicate as () => LayerReplica)());
      const dt = this.model.dtype;
      this.shards.push({
        layers,
        gradients: layers.flatMap((l) => l.gradients),
        x: new BatchBuffers(dt, this.model.inFeatures),
        y: new BatchBuffers(dt, this.targetWidth),
        dOut: new BatchBuffers(dt, this.model.outFeatures),
      });
    }
    return this.shards[s];
  }

  /**
   * The plan for batches of `rows` rows, recorded the first time; `resident`: its programs gather
   * their rows from the resident training set (plans of both kinds are kept, by a signed key).
   */
  private planFor(rows: number, resident: boolean): Plan {
    const key = resident ? -rows : rows;
    const known = this.plans.get(key);
    if (known) return known;
    const sizes = this.sizes(rows);
    const data = resident ? (this.resident as Resident) : undefined;
    const rowIndices: WasmArray[] = [];
    const gatherOps: number[][] = [];
    const plan: Plan = { sizes, from: [], x: [], y: [], out: [], programs: [], lossOps: [] };
    if (data) Object.assign(plan, { rows: rowIndices, gatherOps });
    let from = 0;
    for (const [s, size] of sizes.entries()) {
      const shard = this.shard(s);
      const x = shard.x.get(size);
      const y = shard.y.get(size).data;
      const g = shard.dOut.get(size);
      const indices = data ? alloc(this.model.dtype, size) : undefined;
      let out = x;
      let lossOp = -1;
      const program = recordKernels(() => {
        if (data && indices) {
          const { capacity, x: xs, y: ys } = data;
          const ops = [recordedCalls()];
          indexSelect(xs, 1, capacity, this.model.inFeatures, indices, x.data);
          ops.push(recordedCalls());
          indexSelect(ys, 1, capacity, this.targetWidth, indices, y);
          gatherOps.push(ops);
        }
        out = forwardThrough(shard.layers, x, true);
        lossOp = recordedCalls();
        this.loss.compute(out, y, g);
        if (size !== rows) scal(size / rows, g.data);
        backwardThrough(shard.layers, g);
      });
      plan.from.push(from);
      plan.x.push(x);
      plan.y.push(y);
      plan.out.push(out);
      plan.programs.push(program);
      plan.lossOps.push(lossOp);
      if (indices) rowIndices.push(indices);
      from += size;
    }
    this.plans.set(key, plan);
    return plan;
  }
}

/** Throws if a program's gather found a bad row index (never, for a loader's permutation). */
function checkGathers(plan: Plan): void {
  for (const [s, ops] of (plan.gatherOps ?? []).entries()) {
    for (const op of ops) {
      const bad = plan.programs[s].result(op);
      if (bad !== 0) throw new Error(`internal error: shard ${s}'s row index ${bad - 1} is out of range`);
    }
  }
}
