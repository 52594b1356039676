import { describe, expect, it } from 'vitest';
import { parseNumber } from './form-values.js';

describe('reading a number out of an input', () => {
  it('reads what Number() reads, exponents and spaces included', () => {
    expect(parseNumber(' 1e-5 ', 'tolerance')).toBe(1e-5);
    expect(parseNumber('-3', 'x')).toBe(-3);
  });

  it('refuses an empty input instead of reading it as 0', () => {
    expect(() => parseNumber('', 'lr', { min: 0, above: true })).toThrow(
      'Invalid lr: "" (expected a number > 0)',
    );
    expect(() => parseNumber('  ', 'x')).toThrow('Invalid x: "  " (expected a number)');
  });

  it('refuses text, infinities, fractions where an integer is due, and values out of range', () => {
    expect(() => parseNumber('abc', 'noise', { min: 0 })).toThrow(
      'Invalid noise: "abc" (expected a number >= 0)',
    );
    expect(() => parseNumber('Infinity', 'x')).toThrow('Invalid x: "Infinity"');
    expect(() => parseNumber('2.5', 'epochs', { integer: true, min: 1, max: 10 })).toThrow(
      'Invalid epochs: "2.5" (expected an integer from 1 to 10)',
    );
    expect(() => parseNumber('0', 'lr', { min: 0, above: true })).toThrow('Invalid lr: "0"');
    expect(parseNumber('0', 'noise', { min: 0 })).toBe(0);
    expect(() => parseNumber('11', 'epochs', { integer: true, max: 10 })).toThrow(
      'Invalid epochs: "11" (expected an integer <= 10)',
    );
  });
});
