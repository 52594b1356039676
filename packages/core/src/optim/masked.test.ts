import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { AdamW } from './adamw.js';
import { decayMask, maskedGroups } from './masked.js';
import {
  expectAtCall,
  fillScaledGradients,
  TOL,
  wrapperCase,
  wrapperParams,
} from './test-support/wrappers-fixture.js';

describe('maskedGroups', () => {
  for (const dtype of ['f64', 'f32'] as const) {
    it(`gives AdamW decay on the matrix only, as the NumPy transcription of optax.adamw(mask=...) (${dtype})`, () => {
      const c = wrapperCase('masked-adamw');
      const params = wrapperParams(dtype);
      const opt = new AdamW(maskedGroups(params, decayMask, { weightDecay: 0 }), c.options);
      for (let t = 1; t <= c.trajectory.length; t++) {
        fillScaledGradients(params);
        opt.step();
        expectAtCall(params, c, t, TOL[dtype]);
      }
    });
  }

  it('decays matrices and not vectors or scalars by default', () => {
    const w = param(new Float64Array(6), { shape: [2, 3] });
    const k = param(new Float64Array(8), { shape: [2, 2, 2] });
    const b = param(new Float64Array(3));
    const s = param(new Float64Array(1), { shape: [] });
    expect([w, k, b, s].map(decayMask)).toEqual([true, true, false, false]);
  });

  it('takes a boolean per parameter and leaves an empty side out', () => {
    const [w, b] = wrapperParams('f64');
    expect(maskedGroups([w, b], [false, true], { weightDecay: 0 })).toEqual([
      { params: [b] },
      { params: [w], weightDecay: 0 },
    ]);
    expect(maskedGroups([w, b], [true, true], { weightDecay: 0 })).toEqual([{ params: [w, b] }]);
  });

  it('rejects a mask of the wrong length or type, naming it', () => {
    const [w, b] = wrapperParams('f64');
    expect(() => maskedGroups([w, b], [true], {})).toThrow('the mask has 1 entries, there are 2 parameters');
    expect(() => maskedGroups([w, b], [true, 1 as never], {})).toThrow(
      'mask[1] is 1 (expected true or false)',
    );
    expect(() => maskedGroups([w, b], () => 'yes' as never, {})).toThrow('the mask returned yes for w');
    expect(() => maskedGroups([w, b], 'bias' as never, {})).toThrow(TypeError);
    expect(() => maskedGroups([], decayMask, {})).toThrow(RangeError);
    expect(() => maskedGroups([w], decayMask, null as never)).toThrow(TypeError);
  });
});
