/**
 * Sequential (torch.nn.Sequential): layers applied in order, back-propagated in reverse.
 *
 *   y = f_L(... f_2(f_1(x)))         dx_{l-1} = backward_l(dx_l), starting from dy = ∂loss/∂y
 *
 * The container names its unnamed layers by kind and count — dense0, dense1, bn0, relu0, ... —
 * so parameters are `dense0.weight`, `dense0.bias`, `bn0.weight`, ... (regularizers mask biases by
 * name). `training` (set by `train()` / `eval()`, as torch) switches dropout and batch norm.
 */
import type { Param } from '@descent/core';
import type { DType, WasmMatrix } from '@descent/kernels';
import { Activation, checkActivation } from './activations.js';
import { BatchNorm1d } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Layer, LayerConfig, LayerReplica } from './layer.js';
import { checkParameterMemory } from './memory.js';

const PREFIX: Record<string, string> = { dense: 'dense', batchNorm1d: 'bn', dropout: 'dropout' };

/** The name prefix of a layer type: dense, bn, dropout, or the activation's name. */
function prefixOf(type: string): string {
  return PREFIX[type] ?? type;
}

export class Sequential {
  readonly layers: readonly Layer[];
  readonly dtype: DType;
  /** Training mode (dropout active, batch norm on batch statistics); `eval()` clears it. */
  training = true;
  private readonly params: readonly Param[];
  private readonly releases: Array<() => void> = [];

  constructor(layers: Layer[]) {
    if (!Array.isArray(layers) || layers.length === 0)
      throw new RangeError('Sequential needs at least one layer');
    const dtype = layers[0].dtype;
    for (let i = 1; i < layers.length; i++) {
      const prev = layers[i - 1];
      const l = layers[i];
      if (l.dtype !== dtype)
        throw new TypeError(`Layer ${i} is ${l.dtype}, layer 0 is ${dtype}: one dtype per model`);
      if (l.inFeatures !== prev.outFeatures) {
        throw new RangeError(
          `Shape mismatch: layer ${i - 1} (${prev.type}) outputs ${prev.outFeatures} features, layer ${i} (${l.type}) takes ${l.inFeatures}`,
        );
      }
    }
    const counts = new Map<string, number>();
    const names = new Set<string>();
    for (const l of layers) {
      const prefix = prefixOf(l.type);
      if (l.name === prefix || l.name === l.type) {
        const k = counts.get(prefix) ?? 0;
        counts.set(prefix, k + 1);
        l.name = `${prefix}${k}`;
      }
      if (names.has(l.name)) throw new RangeError(`Two layers are named ${l.name}`);
      names.add(l.name);
    }
    this.layers = Object.freeze([...layers]);
    this.dtype = dtype;
    this.params = Object.freeze(this.layers.flatMap((l) => l.parameters()));
  }

  get inFeatures(): number {
    return this.layers[0].inFeatures;
  }

  get outFeatures(): number {
    return this.layers[this.layers.length - 1].outFeatures;
  }

  /** Training mode (torch's model.train()). */
  train(): this {
    this.training = true;
    return this;
  }

  /** Evaluation mode (torch's model.eval()). */
  eval(): this {
    this.training = false;
    return this;
  }

  /** The output for a batch x [B, inFeatures]; valid until the next forward with this batch size. */
  forward(x: WasmMatrix): WasmMatrix {
    return forwardThrough(this.layers, x, this.training);
  }

  /**
   * Back-propagates dy = ∂loss/∂output of the last forward; every parameter's gradient ACCUMULATES
   * (zero them first). The first layer skips its input gradient, which nothing needs.
   */
  backward(dy: WasmMatrix): void {
    backwardThrough(this.layers, dy);
  }

  /** The input gradient ∂loss/∂x as well (for gradient checks and input-sensitivity analysis). */
  backwardToInput(dy: WasmMatrix): WasmMatrix {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g);
    return g;
  }

  /** Every trainable parameter, in layer order. */
  parameters(): Param[] {
    return [...this.params];
  }

  /** Sets every parameter's gradient to zero. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** The architecture as JSON (the layers' configs and the dtype). */
  config(): ModelConfig {
    return { dtype: this.dtype, layers: this.layers.map((l) => l.config()) };
  }

  /**
   * Weights and buffers by name (copies, detached from kernel memory): `dense0.weight`, ...,
   * `bn0.runningMean`, `bn0.runningVar`, `bn0.numBatchesTracked`, `dropout0.rngState`.
   */
  stateDict(): Record<string, Float32Array | Float64Array | number> {
    const out: Record<string, Float32Array | Float64Array | number> = {};
    for (const p of this.parameters()) out[p.name] = p.value.toArray();
    for (const l of this.layers) {
      for (const [k, v] of Object.entries(l.extraState?.() ?? {})) out[`${l.name}.${k}`] = v;
    }
    return out;
  }

  /** Restores a `stateDict()`; every entry is checked first, so a bad dict changes nothing. */
  loadStateDict(sd: Record<string, unknown>): void {
    if (!sd || typeof sd !== 'object')
      throw new TypeError('loadStateDict: expected an object of named arrays');
    const params = this.parameters();
    for (const p of params) {
      const v = sd[p.name];
      const ok = p.dtype === 'f32' ? v instanceof Float32Array : v instanceof Float64Array;
      if (!ok) throw new TypeError(`loadStateDict: ${p.name} is missing or not a ${p.dtype} array`);
      if ((v as Float32Array).length !== p.length) {
        throw new RangeError(
          `loadStateDict: ${p.name} has ${(v as Float32Array).length} values, the model's has ${p.length}`,
        );
      }
    }
    const extras = this.layers.map((l) => {
      const own = l.extraState?.() ?? {};
      const given: Record<string, unknown> = {};
      for (const k of Object.keys(own)) {
        if (!(`${l.name}.${k}` in sd)) throw new TypeError(`loadStateDict: ${l.name}.${k} is missing`);
        given[k] = sd[`${l.name}.${k}`];
      }
      return given;
    });
    const known = new Set([
      ...params.map((p) => p.name),
      ...this.layers.flatMap((l, i) => Object.keys(extras[i]).map((k) => `${l.name}.${k}`)),
    ]);
    for (const k of Object.keys(sd))
      if (!known.has(k)) throw new RangeError(`loadStateDict: unknown entry ${k}`);
    for (const p of params) p.data.set(sd[p.name] as Float32Array);
    this.layers.forEach((l, i) => {
      if (l.loadExtraState) l.loadExtraState(extras[i]);
    });
  }

  /**
   * Runs `release` when the model is freed: for what is kept with the model across calls, as its
   * layers keep their batch buffers (fit()'s shard replicas and programs: data-parallel.ts).
   */
  onFree(release: () => void): void {
    this.releases.push(release);
  }

  /** Returns every layer's memory to the arena; the model is unusable afterwards. */
  free(): void {
    for (const release of this.releases.splice(0)) release();
    for (const l of this.layers) l.free();
  }
}

/** The passes a chain of layers (or of their replicas) is made of. */
type Pass = Pick<LayerReplica, 'forward' | 'backward' | 'backwardParamsOnly'>;

/** y = f_L(... f_1(x)): each layer's forward in order. */
export function forwardThrough(layers: readonly Pass[], x: WasmMatrix, training: boolean): WasmMatrix {
  let h = x;
  for (const l of layers) h = l.forward(h, training);
  return h;
}

/** Each layer's backward in reverse order from dy; the first computes its parameters' gradients only. */
export function backwardThrough(layers: readonly Pass[], dy: WasmMatrix): void {
  let g = dy;
  for (let i = layers.length - 1; i > 0; i--) g = layers[i].backward(g);
  const first = layers[0];
  if (first.backwardParamsOnly) first.backwardParamsOnly(g);
  else first.backward(g);
}

export interface ModelConfig {
  dtype: DType;
  layers: LayerConfig[];
}

/** Rebuilds a model from its `config()` (weights initialized, to be overwritten by a state dict). */
export function sequentialFromConfig(config: ModelConfig): Sequential {
  if (!config || typeof config !== 'object' || !Array.isArray(config.layers)) {
    throw new TypeError('Expected a model config { dtype, layers: [...] }');
  }
  const dtype = config.dtype;
  // the whole model checked before its first layer allocates (a checkpoint may name any size)
  let parameters = 0;
  for (const c of config.layers) {
    const size = (k: string) => (typeof c?.[k] === 'number' ? (c[k] as number) : 0);
    if (c?.type === 'dense')
      parameters += (size('inFeatures') + (c.bias !== false ? 1 : 0)) * size('outFeatures');
    else if (c?.type === 'batchNorm1d' && c.affine !== false) parameters += 2 * size('features');
  }
  checkParameterMemory('The model', parameters, dtype);
  const layers = config.layers.map((c, i): Layer => {
    const n = (k: string) => {
      const v = c[k];
      if (typeof v !== 'number') throw new TypeError(`layer ${i} (${c.type}): ${k} must be a number`);
      return v;
    };
    const name = c.name;
    switch (c.type) {
      case 'dense':
        return new Dense(n('inFeatures'), n('outFeatures'), { bias: c.bias !== false, dtype, name });
      case 'batchNorm1d':
        return new BatchNorm1d(n('features'), {
          eps: n('eps'),
          momentum: c.momentum === null ? null : n('momentum'),
          affine: c.affine !== false,
          dtype,
          name,
        });
      case 'dropout':
        return new Dropout(n('p'), n('features'), { dtype, name });
      default:
        return new Activation(checkActivation(c.type), n('features'), {
          dtype,
          name,
          negativeSlope: c.negativeSlope as number | undefined,
          approximate: c.approximate as 'none' | 'tanh' | undefined,
        });
    }
  });
  return new Sequential(layers);
}
