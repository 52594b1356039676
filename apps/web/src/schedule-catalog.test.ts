import { sample } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import { scheduleKinds } from './schedule-catalog.js';

const defaults = (name: string) => {
  const kind = scheduleKinds.find((k) => k.name === name)!;
  return { kind, p: Object.fromEntries(kind.parameters.map((q) => [q.name, q.value])) };
};
const curve = (name: string, steps = 100) => {
  const { kind, p } = defaults(name);
  return sample(kind.build(p, steps), steps);
};

describe('the schedules the page draws', () => {
  it.each(scheduleKinds.map((k) => k.name))('builds %s from its defaults: finite rates >= 0', (name) => {
    const v = curve(name);
    expect(v).toHaveLength(100);
    for (const x of v) expect(Number.isFinite(x) && x >= 0).toBe(true);
  });

  it('follows the closed forms: inverse time η/(1 + α t/d), exponential η γ^t, cosine from η to η_min', () => {
    const inv = curve('inverse-time');
    for (const t of [0, 7, 99]) expect(inv[t]).toBeCloseTo(0.1 / (1 + t / 10), 12);
    const exp = curve('exponential');
    for (const t of [0, 13, 99]) expect(exp[t]).toBeCloseTo(0.1 * 0.97 ** t, 12);
    const cos = curve('cosine');
    expect(cos[0]).toBeCloseTo(0.1, 12);
    expect(cos[99]).toBeCloseTo(0.001, 12);
    expect(cos[Math.round(99 / 2)]).toBeCloseTo(
      0.001 + 0.5 * 0.099 * (1 + Math.cos((Math.PI * 50) / 99)),
      12,
    );
  });

  it('drops the multi-step rate by γ at half and at three quarters of the plot', () => {
    const v = curve('multi-step');
    expect([v[49], v[50], v[74], v[75]].map((x) => Number(x.toPrecision(12)))).toEqual([
      0.1, 0.03, 0.03, 0.009,
    ]);
  });
});
