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

/** Edit distance between a and b, case-insensitive, '_' ignored (so weight_decay ~ weightDecay). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase().replaceAll('_', '');
  const y = b.toLowerCase().replaceAll('_', '');
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length];
}

/** The known name closest to `key`, if any is close (at most a third of its letters differ). */
export function closestName(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.ceil(key.length / 3)) ? best : undefined;
}

/** " (did you mean X?)" for the closest known name, or "". */
export function didYouMean(key: string, known: readonly string[]): string {
  const c = closestName(key, known);
  return c === undefined ? '' : ` (did you mean ${c}?)`;
}

/**
 * Throws unless `given` is a plain object (or undefined) whose keys the optimizer knows (catches
 * typos like `weight_decay`, naming the closest known name, and `SGD([w], 5)`).
 */
export function checkKnownOptions(optimizer: string, given: unknown, known: readonly string[]): void {
  if (given === undefined) return;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new TypeError(`Invalid ${optimizer} options: ${String(given)} (expected an object of options)`);
  }
  for (const key of Object.keys(given)) {
    if (key === 'params') continue;
    if (!known.includes(key)) {
      throw new RangeError(
        `Unknown ${optimizer} option: ${key}${didYouMean(key, known)} (known: ${known.join(', ')})`,
      );
    }
  }
}
