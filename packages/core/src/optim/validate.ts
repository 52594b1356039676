/**
 * Hyper-parameter validation, PyTorch's checks with our option names. Every failure is a
 * RangeError naming the option and the value ("Invalid learning rate: -1"), thrown before anything
 * is changed.
 */

function isNum(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

/** lr >= 0 (torch: "Invalid learning rate"). */
export function checkLr(lr: unknown): void {
  if (!isNum(lr) || lr < 0 || !Number.isFinite(lr))
    throw new RangeError(`Invalid learning rate: ${String(lr)}`);
}

/** `value` >= 0 and finite; `label` is the option's name as the user wrote it. */
export function checkNonNegative(label: string, value: unknown): void {
  if (!isNum(value) || value < 0 || !Number.isFinite(value)) {
    throw new RangeError(`Invalid ${label} value: ${String(value)}`);
  }
}

/** `value` > 0 and finite. */
export function checkPositive(label: string, value: unknown): void {
  if (!isNum(value) || value <= 0 || !Number.isFinite(value)) {
    throw new RangeError(`Invalid ${label} value: ${String(value)}`);
  }
}

/** lo <= value < hi (or <= hi with `closed`). */
export function checkInRange(label: string, value: unknown, lo: number, hi: number, closed = false): void {
  if (!isNum(value) || value < lo || (closed ? value > hi : value >= hi)) {
    throw new RangeError(
      `Invalid ${label} value: ${String(value)} (expected ${lo} <= ${label} ${closed ? '<=' : '<'} ${hi})`,
    );
  }
}

/** betas = [beta1, beta2], each in [0, 1) (torch: "Invalid beta parameter at index i"). */
export function checkBetas(betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new RangeError(`Invalid betas value: ${JSON.stringify(betas)} (expected [beta1, beta2])`);
  }
  betas.forEach((b, i) => {
    if (!isNum(b) || b < 0 || b >= 1)
      throw new RangeError(`Invalid beta parameter at index ${i}: ${String(b)}`);
  });
}

/** A boolean option. */
export function checkBoolean(label: string, value: unknown): void {
  if (typeof value !== 'boolean')
    throw new RangeError(`Invalid ${label} value: ${String(value)} (expected true or false)`);
}

/** A positive integer option. */
export function checkPositiveInt(label: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new RangeError(`Invalid ${label} value: ${String(value)} (expected a positive integer)`);
  }
}

/** Throws on option names the optimizer does not know (catches typos like `weight_decay`). */
export function checkKnownOptions(optimizer: string, given: object, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (key === 'params') continue;
    if (!known.includes(key)) {
      throw new RangeError(`Unknown ${optimizer} option: ${key} (known: ${known.join(', ')})`);
    }
  }
}
