/**
 * Numbers and vectors from the command line or a config file, with errors that name the flag:
 * `Invalid number for --lr: "abc"`. A config file may give the JSON number itself.
 */
import { UsageError } from './usage-error.js';

/** A finite number from text ("1e-3", "0.5") or a JSON number. */
export function parseNumber(flag: string, value: unknown): number {
  const x =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(x)) throw new UsageError(`Invalid number for --${flag}: ${JSON.stringify(value)}`);
  return x;
}

/** An integer >= min. */
export function parseInteger(flag: string, value: unknown, min: number): number {
  const x = parseNumber(flag, value);
  if (!Number.isInteger(x) || x < min) {
    throw new UsageError(
      `Invalid value for --${flag}: ${JSON.stringify(value)} (expected an integer >= ${min})`,
    );
  }
  return x;
}

/** "1,-2.5" (or a JSON array) -> [1, -2.5]. */
export function parseVector(flag: string, value: unknown): number[] {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  if (parts.length === 0 || (parts.length === 1 && String(parts[0]).trim() === '')) {
    throw new UsageError(
      `Invalid value for --${flag}: ${JSON.stringify(value)} (expected numbers separated by commas)`,
    );
  }
  return parts.map((p) => {
    const x = typeof p === 'number' ? p : Number(String(p).trim());
    if (String(p).trim() === '' || !Number.isFinite(x)) {
      throw new UsageError(
        `Invalid number for --${flag}: ${JSON.stringify(String(p).trim())} in ${JSON.stringify(value)}`,
      );
    }
    return x;
  });
}

/** "sgd,adam" (or a JSON array) -> ['sgd', 'adam']. */
export function parseNames(flag: string, value: unknown): string[] {
  const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const names = parts.map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0)
    throw new UsageError(`Invalid value for --${flag}: ${JSON.stringify(value)} (expected a list of names)`);
  return names;
}
