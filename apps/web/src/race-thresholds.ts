/**
 * The race's stability thresholds, from the largest and smallest curvature L, μ at the start: the
 * hints beside the first-order rates (gradient descent is stable on a quadratic for lr < 2/L, heavy
 * ball for lr < 2(1+β)/L) and the momentum figure's (α, β) plane with each ticked Momentum racer.
 */
import type { Problem } from '@descent/core';
import type { MomentumFigure } from './momentum-figure.js';
import { curvatures } from './race.js';
import type { RacerList } from './racer-list.js';
import { heavyBallLimit } from './racer-settings.js';
import { formatNumber } from './ticks.js';

/** The threshold hints beside the rates: gradient descent is stable on a quadratic for lr < 2/L. */
export function showThresholds(
  racers: RacerList,
  momentum: MomentumFigure,
  problem: Problem | undefined,
  x0: number[],
): void {
  const { L, mu } = problem ? curvatures(problem, x0) : { L: Number.NaN, mu: Number.NaN };
  const heavy = racers.first('momentum');
  const copies = racers.racers
    .filter((r) => r.copy && r.m.method === 'momentum' && r.box.checked)
    .map((r) => ({
      label: r.label,
      colour: r.colour,
      lr: Number(r.lr?.value),
      beta: racers.settingsOf(r).beta,
    }));
  momentum.update(L, mu, Number(heavy.lr?.value), racers.settingsOf(heavy).beta, copies);
  for (const c of racers.racers) {
    const { m, hint } = c;
    hint.textContent = '';
    if (!(L > 0)) continue;
    if (m.method === 'gd') hint.textContent = `stable below 2/L = ${formatNumber(2 / L, 3)}`;
    if (m.method === 'momentum')
      hint.textContent = `below 2(1+β)/L = ${formatNumber(heavyBallLimit(L, racers.settingsOf(c).beta), 3)}`;
  }
}
