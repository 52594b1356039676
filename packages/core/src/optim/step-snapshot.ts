/**
 * The snapshot that makes an optimizer step all or nothing: before the update, every parameter's
 * values and every state array are copied into JS arrays (reused from step to step, so a step
 * allocates nothing once the shapes are settled), and each parameter's state record is kept as a
 * shallow copy. `restore` puts all of it back; `wasFinite` tells the after-step check whether an
 * array that is non-finite now was finite before (an overflow of this step, to be undone).
 */
import { type FloatArray, WasmArray } from '@descent/kernels';
import type { Param } from '../param.js';
import type { ParamState } from './optimizer.js';

interface Groups {
  params: Param[];
}

export class StepSnapshot {
  /** the arrays saved and their copies */
  private scratch: FloatArray[] = [];
  private saved: WasmArray[] = [];
  private savedCount = 0;
  /** each parameter's state record before the step (a shallow copy; undefined: no state yet) */
  private records: Array<ParamState | undefined> = [];

  /** Drops every copy and reference (the optimizer was freed). */
  clear(): void {
    this.scratch = [];
    this.saved = [];
    this.savedCount = 0;
    this.records = [];
  }

  /** The state record of the j-th parameter (in group order) before the step. */
  recordOf(j: number): ParamState | undefined {
    return this.records[j];
  }

  /** Whether the snapshot's copy of `a` was all finite (true for an array new this step). */
  wasFinite(a: WasmArray): boolean {
    const i = this.saved.indexOf(a);
    if (i < 0 || i >= this.savedCount) return true;
    const c = this.scratch[i];
    for (let k = 0; k < c.length; k++) if (!Number.isFinite(c[k])) return false;
    return true;
  }

  /** Copies every parameter's values and state into the scratch arrays. */
  take(groups: readonly Groups[], state: Map<Param, ParamState>): void {
    this.savedCount = 0;
    let j = 0;
    for (let gi = 0; gi < groups.length; gi++) {
      const params = groups[gi].params;
      for (let pi = 0; pi < params.length; pi++, j++) {
        const p = params[pi];
        this.save(p.value);
        const s = state.get(p);
        this.records[j] = s && { ...s };
        if (s) {
          for (const k in s) {
            const v = s[k];
            if (v instanceof WasmArray && !v.freed) this.save(v);
          }
        }
      }
    }
    // drop references to arrays of earlier steps (setting a length is not free: only on change)
    if (this.records.length !== j) this.records.length = j;
    if (this.saved.length !== this.savedCount) this.saved.length = this.savedCount;
    if (this.scratch.length !== this.savedCount) this.scratch.length = this.savedCount;
  }

  /** Copies `a` into the next scratch array (made again only when the length or dtype changed). */
  private save(a: WasmArray): void {
    const k = this.savedCount++;
    let c = this.scratch[k];
    if (!c || c.length !== a.length || c instanceof Float32Array !== (a.dtype === 'f32')) {
      c = a.dtype === 'f32' ? new Float32Array(a.length) : new Float64Array(a.length);
      this.scratch[k] = c;
    }
    c.set(a.data);
    this.saved[k] = a;
  }

  /**
   * Puts the snapshot back: values and state records; state arrays the step put into a record are
   * freed. (Arrays allocated by the step but never stored are the caller's to free.)
   */
  restore(groups: readonly Groups[], state: Map<Param, ParamState>): void {
    for (let k = 0; k < this.savedCount; k++) {
      const a = this.saved[k];
      if (!a.freed) a.data.set(this.scratch[k]);
    }
    let j = 0;
    for (const g of groups) {
      for (const p of g.params) {
        const before = this.records[j++];
        const now = state.get(p);
        const kept = new Set(before ? Object.values(before) : []);
        if (now) for (const v of Object.values(now)) if (v instanceof WasmArray && !kept.has(v)) v.free();
        if (before) {
          if (now) {
            for (const k of Object.keys(now)) delete now[k];
            Object.assign(now, before);
          } else state.set(p, before);
        } else state.delete(p);
      }
    }
  }
}
