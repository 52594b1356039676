/**
 * Dropout (torch.nn.Dropout), inverted: in training each element is kept with probability 1 - p and
 * scaled by 1/(1 - p), so evaluation is the identity.
 *
 *   training:  y = x ⊙ m / (1 - p),  m_ij ~ Bernoulli(1 - p)      dx = dy ⊙ m / (1 - p)
 *   eval:      y = x                                               dx = dy
 *
 * Masks come from the layer's own seeded generator, whose state a checkpoint keeps: a resumed run
 * draws the same masks. `reuseMask = true` keeps the last mask (for gradient checks).
 */
import type { Param } from '@descent/core';
import {
  alloc,
  type DType,
  dropout,
  fillDropoutMask,
  type WasmArray,
  type WasmMatrix,
} from '@descent/kernels';
import { Rng } from '../random.js';
import {
  BatchBuffers,
  checkDtype,
  checkFeatures,
  checkInput,
  checkOutputGrad,
  type Layer,
  type LayerConfig,
} from './layer.js';

export interface DropoutOptions {
  dtype?: DType;
  name?: string;
  /** Seed of the masks (default 0); or pass a generator. */
  seed?: number;
  rng?: Rng;
}

export class Dropout implements Layer {
  readonly type = 'dropout';
  readonly dtype: DType;
  name: string;
  readonly outFeatures: number;
  readonly rng: Rng;
  /** Keep the last mask instead of drawing a new one (gradient checks). */
  reuseMask = false;
  private readonly out: BatchBuffers;
  private readonly dx: BatchBuffers;
  private readonly masks = new Map<number, WasmArray>();
  /** rows of the last training forward, or -1 after an eval forward (identity) */
  private lastRows: number | undefined;
  private readonly draw: () => number;

  constructor(
    readonly p: number,
    readonly inFeatures: number,
    options: DropoutOptions = {},
  ) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Invalid dropout probability: ${String(p)} (expected a number in [0, 1])`);
    }
    checkFeatures('features', inFeatures);
    this.dtype = checkDtype(options.dtype ?? 'f32');
    this.name = options.name ?? 'dropout';
    this.outFeatures = inFeatures;
    this.rng = options.rng ?? new Rng(options.seed ?? 0);
    this.draw = () => this.rng.next();
    this.out = new BatchBuffers(this.dtype, inFeatures);
    this.dx = new BatchBuffers(this.dtype, inFeatures);
  }

  /** The mask of the last training forward with `rows` rows (1 kept, 0 dropped). */
  mask(rows: number): WasmArray {
    let m = this.masks.get(rows);
    if (!m) {
      m = alloc(this.dtype, rows * this.inFeatures);
      this.masks.set(rows, m);
    }
    return m;
  }

  forward(x: WasmMatrix, training = false): WasmMatrix {
    checkInput(this, x);
    if (!training || this.p === 0) {
      this.lastRows = -1;
      return x;
    }
    const m = this.mask(x.rows);
    if (!this.reuseMask) fillDropoutMask(m, this.p, this.draw);
    const y = this.out.get(x.rows);
    dropout(x.data, m, this.p, y.data);
    this.lastRows = x.rows;
    return y;
  }

  backward(dy: WasmMatrix): WasmMatrix {
    if (this.lastRows === -1) return dy;
    checkOutputGrad(this, dy, this.lastRows);
    const dx = this.dx.get(dy.rows);
    dropout(dy.data, this.mask(dy.rows), this.p, dx.data);
    return dx;
  }

  parameters(): Param[] {
    return [];
  }

  extraState(): Record<string, number> {
    return { rngState: this.rng.state };
  }

  loadExtraState(state: Record<string, unknown>): void {
    const s = state.rngState;
    if (typeof s !== 'number' || !Number.isInteger(s))
      throw new TypeError(`${this.name}: rngState must be an integer`);
    this.rng.state = s >>> 0;
  }

  config(): LayerConfig {
    return { type: this.type, name: this.name, p: this.p, features: this.inFeatures };
  }

  free(): void {
    this.out.free();
    this.dx.free();
    for (const m of this.masks.values()) m.free();
    this.masks.clear();
  }
}
