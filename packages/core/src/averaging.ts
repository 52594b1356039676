/**
 * Parameter averaging, torch.optim.swa_utils.AveragedModel's semantics over a list of parameters:
 *
 *   n = 0 (first update):   θ̄ ← θ
 *   'swa' (Polyak-Ruppert):  θ̄ ← θ̄ + (θ - θ̄) / (n + 1)        the plain mean of every θ seen
 *   'ema':                   θ̄ ← β θ̄ + (1 - β) θ               β = decay (torch's get_ema_avg_fn, 0.999)
 *   n ← n + 1
 *
 * Call `update()` when the average should take in the current parameters (every step for EMA;
 * once per epoch or every few steps after a burn-in for SWA). Evaluate the averaged model with
 * `swap()` (averages into the parameters and back), or copy them out with `copyToParams()`.
 * The averages live in kernel memory next to the parameters; `free()` releases them.
 */
import { fromArray, type WasmArray } from '@descent/kernels';
import type { Param } from './param.js';

export interface AveragedParamsOptions {
  /** 'swa' (default): uniform average of the updates; 'ema': exponential moving average. */
  strategy?: 'swa' | 'ema';
  /** The EMA's β (default 0.999, torch's); ignored by 'swa'. */
  decay?: number;
}

export class AveragedParams {
  readonly params: readonly Param[];
  readonly strategy: 'swa' | 'ema';
  readonly decay: number;
  /** Updates taken in so far (torch's n_averaged). */
  nAveraged = 0;
  private readonly avg: WasmArray[];

  constructor(params: Param | Param[], options: AveragedParamsOptions = {}) {
    const list = Array.isArray(params) ? params : [params];
    const strategy = options.strategy ?? 'swa';
    if (strategy !== 'swa' && strategy !== 'ema') {
      throw new RangeError(`Invalid strategy value: ${String(strategy)} (expected 'swa' or 'ema')`);
    }
    const decay = options.decay ?? 0.999;
    if (typeof decay !== 'number' || !(decay >= 0 && decay <= 1)) {
      throw new RangeError(`Invalid decay value: ${String(decay)} (expected 0 <= decay <= 1)`);
    }
    if (list.length === 0) throw new RangeError('AveragedParams got an empty parameter list');
    this.params = [...list];
    this.strategy = strategy;
    this.decay = decay;
    // like torch's deepcopy of the module: the averages start as a copy of the parameters
    this.avg = list.map((p) => fromArray(p.data));
  }

  /** Takes the current parameter values into the average. */
  update(): void {
    const n = this.nAveraged;
    this.params.forEach((p, j) => {
      const a = this.avg[j].data;
      const x = p.data;
      if (n === 0) a.set(x);
      else if (this.strategy === 'swa') {
        const w = 1 / (n + 1);
        for (let i = 0; i < a.length; i++) a[i] += (x[i] - a[i]) * w;
      } else {
        const b = this.decay;
        for (let i = 0; i < a.length; i++) a[i] = b * a[i] + (1 - b) * x[i];
      }
    });
    this.nAveraged = n + 1;
  }

  /** A copy of the average of parameter `index` (in the order given to the constructor). */
  average(index: number): Float32Array | Float64Array {
    const a = this.avg[index];
    if (!a) throw new RangeError(`Invalid index: ${index} (there are ${this.avg.length} parameters)`);
    return a.toArray();
  }

  /** Writes the averages into the parameters (the current values are lost; see swap). */
  copyToParams(): void {
    this.params.forEach((p, j) => {
      p.data.set(this.avg[j].data);
    });
  }

  /** Exchanges parameters and averages: evaluate the averaged model, then swap back. */
  swap(): void {
    this.params.forEach((p, j) => {
      const x = p.data;
      const a = this.avg[j].data;
      for (let i = 0; i < x.length; i++) {
        const t = x[i];
        x[i] = a[i];
        a[i] = t;
      }
    });
  }

  /** A copy of the averaging state: { nAveraged, averages }. */
  stateDict(): { nAveraged: number; averages: Array<Float32Array | Float64Array> } {
    return { nAveraged: this.nAveraged, averages: this.avg.map((a) => a.toArray()) };
  }

  /** Restores `stateDict()` output (checked first: on an error nothing changes). */
  loadStateDict(sd: { nAveraged: number; averages: Array<Float32Array | Float64Array> }): void {
    if (!Number.isInteger(sd?.nAveraged) || sd.nAveraged < 0 || !Array.isArray(sd.averages)) {
      throw new TypeError('loadStateDict: expected { nAveraged, averages }');
    }
    if (sd.averages.length !== this.avg.length) {
      throw new RangeError(
        `loadStateDict: the state has ${sd.averages.length} averages, there are ${this.avg.length} parameters`,
      );
    }
    sd.averages.forEach((v, j) => {
      const a = this.avg[j];
      if (v.length !== a.length || v instanceof Float32Array !== (a.dtype === 'f32')) {
        throw new RangeError(`loadStateDict: average ${j} does not match parameter ${this.params[j].name}`);
      }
    });
    sd.averages.forEach((v, j) => {
      this.avg[j].data.set(v);
    });
    this.nAveraged = sd.nAveraged;
  }

  /** Releases the averages' kernel memory; the object is unusable afterwards. */
  free(): void {
    for (const a of this.avg) a.free();
  }
}
