import { checkNonNegative, checkOptions, checkPositive, checkPositiveInteger, invalid } from '../validate.js';
import type { Schedule } from './schedule.js';

export interface CosineWarmRestartsOptions {
  /** η_max of the first cycle, the rate at step 0 (>= 0). */
  lr: number;
  /** Length of the first cycle, T_0 (a positive integer). */
  T0: number;
  /** Each cycle is TMult times longer than the one before (an integer >= 1). Default 1. */
  TMult?: number;
  /** η_min of the first cycle (>= 0). Default 0. */
  etaMin?: number;
  /** The peak is multiplied by this at every restart: η_max^i = η_max · peakDecay^i (> 0). Default 1. */
  peakDecay?: number;
  /** The floor is multiplied by this at every restart: η_min^i = η_min · floorDecay^i (> 0). Default 1. */
  floorDecay?: number;
}

/** The cycle i, its length T_i and the position T_cur in it, at (possibly fractional) step t >= 0. */
export function warmRestartCycle(
  t: number,
  T0: number,
  TMult: number,
): { i: number; Ti: number; Tcur: number } {
  if (t < T0) return { i: 0, Ti: T0, Tcur: t };
  if (TMult === 1) return { i: Math.floor(t / T0), Ti: T0, Tcur: t % T0 };
  // n = ⌊log_{T_mult}(t/T_0 · (T_mult - 1) + 1)⌋, as torch computes it, then corrected for rounding
  let i = Math.trunc(Math.log((t / T0) * (TMult - 1) + 1) / Math.log(TMult));
  const start = (k: number) => (T0 * (TMult ** k - 1)) / (TMult - 1);
  while (i > 0 && t < start(i)) i--;
  while (t >= start(i + 1)) i++;
  return { i, Ti: T0 * TMult ** i, Tcur: t - start(i) };
}

/**
 * SGDR, cosine annealing with warm restarts (Loshchilov & Hutter, 2017), with the notes' per-cycle
 * peak and floor: in cycle i (i = 0, 1, ...), of length T_i = T_0 · T_mult^i,
 *
 *   η_t = η_min^i + ½ (η_max^i - η_min^i) (1 + cos(π T_cur / T_i)),
 *   η_max^i = η_max · peakDecay^i,   η_min^i = η_min · floorDecay^i
 *
 * where T_cur is the number of steps since the last restart (fractional steps allowed). With both
 * decays 1 this is CosineAnnealingWarmRestarts's curve.
 */
export function cosineWarmRestarts(options: CosineWarmRestartsOptions): Schedule {
  checkOptions('cosineWarmRestarts', options, ['lr', 'T0', 'TMult', 'etaMin', 'peakDecay', 'floorDecay']);
  const lr = checkNonNegative('lr', options.lr);
  const T0 = checkPositiveInteger('T0', options.T0);
  const TMult = options.TMult ?? 1;
  if (typeof TMult !== 'number' || !Number.isInteger(TMult) || TMult < 1) {
    throw invalid('TMult', TMult, 'an integer >= 1');
  }
  const etaMin = checkNonNegative('etaMin', options.etaMin ?? 0);
  const peakDecay = checkPositive('peakDecay', options.peakDecay ?? 1);
  const floorDecay = checkPositive('floorDecay', options.floorDecay ?? 1);
  return (t) => {
    const { i, Ti, Tcur } = warmRestartCycle(t, T0, TMult);
    const hi = lr * peakDecay ** i;
    const lo = etaMin * floorDecay ** i;
    return lo + ((hi - lo) * (1 + Math.cos((Math.PI * Tcur) / Ti))) / 2;
  };
}
