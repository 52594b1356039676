/**
 * A learning-rate schedule as a pure function of the step: t = 0, 1, 2, ... → η_t. Schedules hold no
 * state and touch no optimizer, so they compose (warmup, sequential, chained) and can be plotted
 * before training (sample). Bind one to an optimizer with LambdaLR:
 *
 *   const s = cosine({ lr: 0.1, TMax: 100 });
 *   new LambdaLR(opt, { lrLambda: (t) => s(t) / s(0) });     // or set opt.paramGroups[0].lr = s(t)
 *
 * Steps may be fractional where the formula allows it (cosineWarmRestarts after every batch).
 */
export type Schedule = (step: number) => number;

/**
 * The curve of a schedule over n steps, for plotting: out[i] = schedule(start + i).
 */
export function sample(schedule: Schedule, n: number, start = 0): Float64Array {
  if (typeof schedule !== 'function') throw new TypeError('sample: schedule must be a function');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Invalid n: ${n} (expected an integer >= 0)`);
  if (!Number.isFinite(start)) throw new RangeError(`Invalid start: ${start} (expected a finite number)`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = schedule(start + i);
  return out;
}
