/**
 * Per-parameter masks as parameter groups, the torch-style spelling of optax's `masked` (e.g.
 * `optax.adamw(..., mask=fn)`, decay only where the mask is true):
 *
 *   maskedGroups(params, mask, off) = [ { params: { p : mask(p) } },  { params: { p : !mask(p) }, ...off } ]
 *
 * The masked-in parameters keep the optimizer's options; the others get the overrides `off`. The
 * usual case, no weight decay on biases and normalization gains:
 *
 *   const opt = new AdamW(maskedGroups(model.params, decayMask, { weightDecay: 0 }), { lr: 1e-3 });
 *
 * `decayMask` is true for parameters of two or more dimensions (weight matrices, conv kernels) and
 * false for vectors and scalars (biases, LayerNorm/BatchNorm gains and shifts), the rule of
 * nanoGPT, timm and optax's examples. A mask is a function of the parameter or a boolean per
 * parameter. An empty side is left out (so the result has one or two groups). Unlike optax's
 * `masked` around a whole optimizer, masked-out parameters are still optimized, with `off`'s
 * options: to freeze parameters, leave them out of the optimizer.
 */
import type { Param } from '../param.js';

export type ParamMask = ((p: Param) => boolean) | readonly boolean[];

/** True for parameters with two or more dimensions (decayed), false for vectors and scalars. */
export function decayMask(p: Param): boolean {
  return p.shape.length >= 2;
}

/** Two parameter groups: the masked-in parameters, and the others with the options `off`. */
export function maskedGroups<O extends object>(
  params: Param[],
  mask: ParamMask,
  off: Partial<O>,
): Array<Partial<O> & { params: Param[] }> {
  if (!Array.isArray(params) || params.length === 0) {
    throw new RangeError('maskedGroups got an empty parameter list');
  }
  if (!off || typeof off !== 'object' || Array.isArray(off)) {
    throw new TypeError(
      `maskedGroups: off must be an object of options (such as { weightDecay: 0 }), got ${String(off)}`,
    );
  }
  if ('params' in off) throw new RangeError("maskedGroups: off must not set 'params'");
  let flags: boolean[];
  if (typeof mask === 'function') {
    flags = params.map((p) => {
      const f = mask(p);
      if (typeof f !== 'boolean') {
        throw new TypeError(
          `maskedGroups: the mask returned ${String(f)} for ${p.name} (expected true or false)`,
        );
      }
      return f;
    });
  } else if (Array.isArray(mask)) {
    if (mask.length !== params.length) {
      throw new RangeError(
        `maskedGroups: the mask has ${mask.length} entries, there are ${params.length} parameters`,
      );
    }
    mask.forEach((f, i) => {
      if (typeof f !== 'boolean') {
        throw new TypeError(`maskedGroups: mask[${i}] is ${String(f)} (expected true or false)`);
      }
    });
    flags = [...mask];
  } else {
    throw new TypeError(`maskedGroups: mask must be a function or an array of booleans, got ${String(mask)}`);
  }
  const on = params.filter((_, i) => flags[i]);
  const rest = params.filter((_, i) => !flags[i]);
  const groups: Array<Partial<O> & { params: Param[] }> = [];
  if (on.length > 0) groups.push({ params: on } as Partial<O> & { params: Param[] });
  if (rest.length > 0) groups.push({ ...off, params: rest });
  return groups;
}
