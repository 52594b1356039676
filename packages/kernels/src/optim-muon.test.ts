import { describe, it } from 'vitest';
import { fusedMuonApply, fusedMuonMomentum } from './optim-muon.js';
import { expectBitExact, type Round } from './test-support/elementwise-step.js';

/** torch's lerp with the weight in the element type, every operation rounded. */
function lerp(a: number, b: number, w: number, r: Round): number {
  const wr = r(w);
  return Math.abs(wr) < 0.5 ? r(a + r(wr * r(b - a))) : r(b + r(r(-r(1 - wr)) * r(b - a)));
}

describe.each(['f32', 'f64'] as const)('Muon kernels (%s)', (dtype) => {
  it.each([
    [0.95, true],
    [0.3, true],
    [0.9, false],
  ] as const)(
    'fusedMuonMomentum equals torch-style lerps bit for bit (momentum %s, nesterov %s)',
    (mu, nesterov) => {
      expectBitExact(dtype, {
        states: 2,
        // the parameter slot carries the gradient: fusedMuonMomentum reads grad, writes buf and out
        run: (_p, g, [buf, out]) => fusedMuonMomentum(g, buf, out, mu, nesterov),
        naive(i, _p, g, [buf, out], r) {
          buf[i] = lerp(buf[i], g[i], 1 - mu, r);
          out[i] = nesterov ? lerp(g[i], buf[i], mu, r) : buf[i];
        },
      });
    },
  );

  it('fusedMuonApply computes θ·decay - lr·O bit for bit', () => {
    expectBitExact(dtype, {
      states: 0,
      run: (p, g) => fusedMuonApply(p, g, 1 - 0.02 * 0.1, 0.03),
      naive(i, p, g, _s, r) {
        p[i] = r(r(p[i] * r(1 - 0.02 * 0.1)) + r(r(-0.03) * g[i]));
      },
    });
  });
});
