/**
 * Tuning each racer's learning rate on the race's own function, so that the race is fair (as
 * pytorch-optimizer's visualisations do): for every first-order racer, the rates
 *
 *   η_k = η₀ · 2^(k/2),   k = −8, …, 4     (η₀ the rate it has now; 13 rates over a factor of 64)
 *
 * each run with minimize from the same start for up to `maxIter` steps, and the best kept: the one
 * that reaches the tolerance in the fewest steps, else the lowest final f; a run that diverges
 * (race-trace.ts) never wins. Deterministic: the same function, start and rates give the same answer.
 */
import type { Problem } from '@descent/core';
import { type RaceEntry, runRace } from './race.js';
import { traceOf } from './race-trace.js';
import type { Domain } from './surface.js';

export const TUNE_STEPS = Array.from({ length: 13 }, (_, i) => 2 ** ((i - 8) / 2));

/** Tuned rates by entry id (default its method), for the entries that have a rate; the others are left out. */
export function tuneRates(
  problem: Problem,
  domain: Domain,
  x0: ArrayLike<number>,
  entries: RaceEntry[],
  options: { gtol?: number; maxIter?: number } = {},
): Record<string, number> {
  const tuned: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.lr === undefined || !(entry.lr > 0)) continue;
    const candidates = TUNE_STEPS.map((f) => Number((entry.lr! * f).toPrecision(3)));
    const rows = runRace(
      problem,
      x0,
      candidates.map((lr) => ({ ...entry, lr })),
      { gtol: options.gtol, maxIter: options.maxIter ?? 300 },
    );
    let best: { lr: number; key: [number, number] } | undefined;
    rows.forEach((r, k) => {
      if (r.error || traceOf(r, domain).divergedAt !== null || !Number.isFinite(r.finalLoss)) return;
      const key: [number, number] = r.stepsToTolerance !== null ? [0, r.stepsToTolerance] : [1, r.finalLoss];
      if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && key[1] < best.key[1]))
        best = { lr: candidates[k], key };
    });
    if (best) tuned[entry.id ?? entry.method] = best.lr;
  }
  return tuned;
}
