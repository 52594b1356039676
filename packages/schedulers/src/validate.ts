/**
 * Option checks shared by the schedules and the schedulers. Each throws a RangeError that names
 * the option and the value it got ("Invalid T0: -1 (expected a positive integer)"), and is called
 * before anything is changed, so a bad configuration leaves the optimizer as it was.
 */
import { closestName } from '@descent/core';

function show(value: unknown): string {
  return typeof value === 'string'
    ? `'${value}'`
    : Array.isArray(value)
      ? JSON.stringify(value)
      : String(value);
}

export function invalid(name: string, value: unknown, expected: string): RangeError {
  return new RangeError(`Invalid ${name}: ${show(value)} (expected ${expected})`);
}

/** A finite number (any sign). */
export function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, value, 'a finite number');
  return value;
}

/** A finite number >= 0 (learning rates, etaMin, thresholds). */
export function checkNonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(name, value, 'a finite number >= 0');
  }
  return value;
}

/** A finite number > 0 (gamma, alpha, power, factors that divide). */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(name, value, 'a finite number > 0');
  }
  return value;
}

/** An integer >= 1 (periods, step counts). */
export function checkPositiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(name, value, 'a positive integer');
  }
  return value;
}

/** An integer >= 0 (patience, cooldown, totalIters of ConstantLR). */
export function checkNonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(name, value, 'an integer >= 0');
  }
  return value;
}

/** A number in [lo, hi]. */
export function checkInRange(name: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw invalid(name, value, `a number in [${lo}, ${hi}]`);
  }
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalid(name, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** A boolean flag. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(name, value, 'true or false');
  return value;
}

/** Strictly increasing integers, each >= `min` (milestones). */
export function checkIncreasingIntegers(name: string, value: unknown, min: number): number[] {
  if (!Array.isArray(value)) throw invalid(name, value, 'an array of increasing integers');
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw invalid(name, value, `integers >= ${min} (element ${i} is ${show(v)})`);
    }
    if (i > 0 && v <= value[i - 1]) {
      throw invalid(name, value, `strictly increasing integers (element ${i} is not above element ${i - 1})`);
    }
  });
  return [...value];
}

/**
 * A number or one number per param group (torch's `_format_param`): returns one value per group,
 * each checked by `check`. A list of the wrong length names the option and both lengths.
 */
export function perGroup(
  name: string,
  value: unknown,
  groups: number,
  check: (name: string, v: unknown) => number,
): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) {
      throw new RangeError(
        `Invalid ${name}: ${value.length} values for ${groups} param groups (expected one per group)`,
      );
    }
    return value.map((v, i) => check(`${name}[${i}]`, v));
  }
  const v = check(name, value);
  return new Array<number>(groups).fill(v);
}

/** The known name closest to a mistyped key: core's rule, shared with the optimizers' constructors. */
export { closestName };

/**
 * The options object of `owner` (a scheduler or schedule), checked before anything else: not an
 * object -> TypeError; a name `owner` does not know (`{ gama: 0.5 }`) -> RangeError naming it and
 * the closest known name, as the optimizers' constructors do. `undefined` passes (all defaults).
 */
export function checkOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`Invalid ${owner} options: ${show(options)} (expected an object of options)`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const c = closestName(key, known);
      throw new RangeError(
        `Unknown ${owner} option: ${key}${c ? ` (did you mean ${c}?)` : ''} (known: ${known.join(', ')})`,
      );
    }
  }
}
