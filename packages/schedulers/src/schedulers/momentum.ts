/**
 * Momentum cycling (CyclicLR, OneCycleLR) writes a group's `momentum` (SGD, RMSprop) or the first
 * of its `betas` (Adam family: β1 plays momentum's role), as current torch does.
 */
import type { SchedulableOptimizer } from './lr-scheduler.js';

/** Per group, whether β1 is the target; throws naming `option` if a group has neither. */
export function momentumTargets(optimizer: SchedulableOptimizer, option: string): boolean[] {
  return optimizer.paramGroups.map((g, i) => {
    if (Array.isArray(g.betas) && typeof g.betas[0] === 'number') return true;
    if (typeof g.momentum === 'number') return false;
    throw new RangeError(
      `Invalid ${option}: true, but paramGroups[${i}] has neither momentum nor betas (set ${option}: false)`,
    );
  });
}

/** Sets momentum, or β1 in a new betas array (the other betas kept). */
export function writeMomentum(group: Record<string, unknown>, useBeta1: boolean, value: number): void {
  if (useBeta1) group.betas = [value, ...(group.betas as number[]).slice(1)];
  else group.momentum = value;
}

/** The cycled value of a group: momentum or β1. */
export function readMomentum(group: Record<string, unknown>): number {
  return Array.isArray(group.betas) ? (group.betas[0] as number) : (group.momentum as number);
}
