import { describe, expect, it } from 'vitest';
import { parseInteger, parseNames, parseNumber, parseVector } from './numbers.js';

// Each error below also reaches the user through the binary: commands/run.test.ts (--lr, --start,
// --steps) and commands/compare.test.ts (--optimizers) check its message and exit code 2.

describe('numbers from flags and config files', () => {
  it('reads finite numbers from text or JSON numbers', () => {
    expect(parseNumber('lr', '1e-3')).toBe(1e-3);
    expect(parseNumber('lr', ' -0.5 ')).toBe(-0.5);
    expect(parseNumber('lr', 2)).toBe(2);
  });

  it.each([['abc'], [''], ['1e-3x'], ['Infinity'], ['NaN'], [null], [true]])(
    'refuses %j naming the flag',
    (v) => {
      expect(() => parseNumber('lr', v)).toThrow(`Invalid number for --lr: ${JSON.stringify(v)}`);
    },
  );

  it('reads integers with a lower bound', () => {
    expect(parseInteger('steps', '200', 1)).toBe(200);
    expect(() => parseInteger('steps', '0', 1)).toThrow(
      'Invalid value for --steps: "0" (expected an integer >= 1)',
    );
    expect(() => parseInteger('steps', '2.5', 1)).toThrow('expected an integer >= 1');
  });

  it('reads vectors and lists, naming the bad element', () => {
    expect(parseVector('start', '1, -2.5,3e2')).toEqual([1, -2.5, 300]);
    expect(parseVector('start', [1, 2])).toEqual([1, 2]);
    expect(() => parseVector('start', '1,,2')).toThrow('Invalid number for --start: "" in "1,,2"');
    expect(parseNames('optimizers', 'gd, adam,')).toEqual(['gd', 'adam']);
    expect(() => parseNames('optimizers', ' , ')).toThrow('Invalid value for --optimizers');
  });
});
