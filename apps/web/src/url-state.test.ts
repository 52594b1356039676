import { describe, expect, it } from 'vitest';
import { readState, writeState } from './url-state.js';

describe('the page state in the URL', () => {
  it('reads back what it wrote, formulas with spaces, signs and carets included', () => {
    const state = {
      race: { problem: { expression: 'x^2 + 2*y^2 - x*y', radius: 2.5 }, x0: ['-1', '0.5'] },
      training: { dataset: 'spirals, 3 arms', hidden: '32, 32' },
    };
    const search = writeState(state);
    expect(search.startsWith('?race=')).toBe(true);
    expect(readState(search, ['race', 'training', 'critical'])).toEqual(state);
  });

  it('ignores a part that is not a JSON object and keeps the others', () => {
    const search = `?race=${encodeURIComponent('{"x0":')}&training=${encodeURIComponent('{"lr":"0.1"}')}&critical=5`;
    expect(readState(search, ['race', 'training', 'critical'])).toEqual({ training: { lr: '0.1' } });
  });
});
