import { describe, it } from 'vitest';
import { fusedScheduleFreeStep, scheduleFreeLerp } from './optim-schedule-free.js';
import { expectBitExact } from './test-support/elementwise-step.js';

const cases = [
  { c: 1, yCoef: -0.1, lr: 0.1, weightDecay: 0, adam: false },
  { c: 0.3, yCoef: 0.07 * (0.9 * 0.7 - 1), lr: 0.07, weightDecay: 0.01, adam: false },
  { c: 0.6, yCoef: 0.02 * (0.9 * 0.4 - 1), lr: 0.02, weightDecay: 0, adam: true, beta2: 0.99, eps: 1e-8 },
  {
    c: 0.05,
    yCoef: 0.01 * (0.95 * 0.95 - 1),
    lr: 0.01,
    weightDecay: 0.1,
    adam: true,
    beta2: 0.999,
    eps: 1e-3,
  },
];

describe.each(['f32', 'f64'] as const)('fusedScheduleFreeStep (%s)', (dtype) => {
  it.each(cases)('equals the naive update bit for bit for every length 0..35: %o', (o) => {
    expectBitExact(dtype, {
      states: 2,
      initState: (u, k) => (k === 1 ? u * u : u),
      run: (y, g, [z, v]) => fusedScheduleFreeStep(y, g, z, o.adam ? v : null, o),
      naive(i, y, g, [z, v], r) {
        let d = g[i];
        if (o.adam) {
          const b2 = r(o.beta2 as number);
          v[i] = r(r(b2 * v[i]) + r(r(1 - (o.beta2 as number)) * r(d * d)));
          d = r(d / r(r(Math.sqrt(v[i])) + r(o.eps as number)));
        }
        if (o.weightDecay !== 0) d = r(d + r(r(o.weightDecay) * y[i]));
        const c = r(o.c);
        const yv = o.c >= 0.5 ? r(z[i] - r(r(z[i] - y[i]) * r(1 - o.c))) : r(y[i] + r(c * r(z[i] - y[i])));
        y[i] = r(yv + r(r(o.yCoef) * d));
        z[i] = r(z[i] - r(r(o.lr) * d));
      },
    });
  });

  it.each([1 - 1 / 0.9, 1 - 0.9, 0.75, 1 - 1 / 0.6])(
    'scheduleFreeLerp is torch.lerp bit for bit (w = %f)',
    (w) => {
      expectBitExact(dtype, {
        states: 0,
        run: (p, z) => scheduleFreeLerp(p, z, w),
        naive(i, p, z, _s, r) {
          p[i] =
            Math.abs(w) >= 0.5 ? r(z[i] - r(r(z[i] - p[i]) * r(1 - w))) : r(p[i] + r(r(w) * r(z[i] - p[i])));
        },
      });
    },
  );
});
