/**
 * The course notes write some rules differently from PyTorch. Each form below is run as the notes
 * write it (a plain loop in this file) and as our torch-style optimizer with the documented
 * options, on a small ill-conditioned quadratic f(θ) = ½ θᵀAθ - bᵀθ, and the iterates compared.
 */
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

const A = [
  [3, 1, 0],
  [1, 2, 0.5],
  [0, 0.5, 0.2],
];
const b = [1, -1, 0.5];
const theta0 = [1.5, -0.7, 2];

/** ∇f(θ) = Aθ - b, written into out. */
function quadGrad(x: ArrayLike<number>, out: { [i: number]: number }): void {
  for (let i = 0; i < 3; i++) out[i] = A[i][0] * x[0] + A[i][1] * x[1] + A[i][2] * x[2] - b[i];
}

/** Runs `steps` steps of opt on the quadratic, returning θ after each. */
function runOpt(
  opt: Optimizer<{ lr: number }>,
  p: Param,
  steps: number,
  extraGrad?: (x: Float64Array, g: Float64Array) => void,
) {
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    quadGrad(p.data, p.grad);
    extraGrad?.(p.data as Float64Array, p.grad as Float64Array);
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

function expectTrajectoriesClose(got: number[][], want: number[][], tol: number) {
  expect(got.length).toBe(want.length);
  got.forEach((x, t) => {
    x.forEach((v, i) => {
      expect(Math.abs(v - want[t][i]), `step ${t + 1}, coordinate ${i}`).toBeLessThanOrEqual(tol);
    });
  });
}

const impls = ['fused', 'reference'] as const;

describe.each(impls)('course-notes forms (%s path)', (impl) => {
  it('momentum as an average, v = βv + (1-β)g, θ = θ - ηv, is SGD with dampening = momentum (from a zero buffer)', () => {
    const beta = 0.9;
    const eta = 0.1;
    // the notes
    const theta = [...theta0];
    const v = [0, 0, 0];
    const g = [0, 0, 0];
    const notes: number[][] = [];
    for (let t = 0; t < 60; t++) {
      quadGrad(theta, g);
      for (let i = 0; i < 3; i++) {
        v[i] = beta * v[i] + (1 - beta) * g[i];
        theta[i] = theta[i] - eta * v[i];
      }
      notes.push([...theta]);
    }
    // torch's SGD, its first buffer set to zero as the notes' v_0 (see sgd.ts)
    const p = param(Float64Array.from(theta0));
    const opt = new SGD([p], { lr: eta, momentum: beta, dampening: beta, impl });
    opt.loadStateDict({
      state: { 0: { momentumBuffer: new Float64Array(3) } },
      paramGroups: opt.stateDict().paramGroups,
    });
    expectTrajectoriesClose(runOpt(opt, p, 60), notes, 1e-14);
  });

  it("Nesterov as a look-ahead gradient, v = μv - η∇f(θ + μv), θ = θ + v, is torch's nesterov: true in φ = θ + μv", () => {
    const mu = 0.8;
    const eta = 0.05;
    const theta = [...theta0];
    const v = [0, 0, 0];
    const g = [0, 0, 0];
    const phi: number[][] = [];
    for (let t = 0; t < 60; t++) {
      const ahead = theta.map((x, i) => x + mu * v[i]);
      quadGrad(ahead, g);
      for (let i = 0; i < 3; i++) {
        v[i] = mu * v[i] - eta * g[i];
        theta[i] = theta[i] + v[i];
      }
      phi.push(theta.map((x, i) => x + mu * v[i])); // the change of variables φ = θ + μv
    }
    const p = param(Float64Array.from(theta0)); // φ_0 = θ_0 since v_0 = 0
    const opt = new SGD([p], { lr: eta, momentum: mu, nesterov: true, impl });
    expectTrajectoriesClose(runOpt(opt, p, 60), phi, 1e-12);
  });

  it("Adam's bias correction makes the first step move every coordinate by about lr, whatever the gradient's scale", () => {
    const lr = 0.01;
    const scales = [1e-3, 1, 1e3];
    const p = param(Float64Array.from([0.3, -0.2, 0.1]));
    const opt = new Adam([p], { lr, impl });
    const before = Array.from(p.data);
    p.grad.set(scales.map((s, i) => (i === 1 ? -s : s)));
    opt.step();
    const moved = Array.from(p.data).map((x, i) => x - before[i]);
    expect(moved[0]).toBeCloseTo(-lr, 6);
    expect(moved[1]).toBeCloseTo(lr, 8);
    expect(moved[2]).toBeCloseTo(-lr, 8);
    // without the correction (the notes' raw s/(√r + ε) with s = (1-β1)g, r = (1-β2)g²) the
    // first step would be (1 - β1)/√(1 - β2) ≈ 3.16 times lr
    const raw = ((1 - 0.9) * 1) / Math.sqrt((1 - 0.999) * 1);
    expect(raw).toBeCloseTo(3.162, 3);
  });

  it.each([
    [
      'SGD with momentum',
      (p: Param, wd: number) => new SGD([p], { lr: 0.05, momentum: 0.9, weightDecay: wd, impl }),
    ],
    ['Adam', (p: Param, wd: number) => new Adam([p], { lr: 0.05, weightDecay: wd, impl })],
  ] as const)('an L2 penalty λΣθ² in the loss (gradient 2λθ) is weightDecay = 2λ: %s', (_name, make) => {
    const lambda = 0.3;
    const withPenalty = param(Float64Array.from(theta0));
    const a = runOpt(make(withPenalty, 0), withPenalty, 50, (x, g) => {
      for (let i = 0; i < 3; i++) g[i] = g[i] + 2 * lambda * x[i];
    });
    const withDecay = param(Float64Array.from(theta0));
    const c = runOpt(make(withDecay, 2 * lambda), withDecay, 50);
    expectTrajectoriesClose(c, a, 1e-15);
  });

  it('decoupled decay w = (1 - ηλ)w - η∇L is plain SGD with weightDecay = λ', () => {
    const eta = 0.1;
    const lambda = 0.2;
    const w = [...theta0];
    const g = [0, 0, 0];
    const notes: number[][] = [];
    for (let t = 0; t < 50; t++) {
      quadGrad(w, g);
      for (let i = 0; i < 3; i++) w[i] = (1 - eta * lambda) * w[i] - eta * g[i];
      notes.push([...w]);
    }
    const p = param(Float64Array.from(theta0));
    expectTrajectoriesClose(
      runOpt(new SGD([p], { lr: eta, weightDecay: lambda, impl }), p, 50),
      notes,
      1e-14,
    );
  });

  it('decoupled decay w = (1 - ηλ)w - η·(Adam step) is AdamW', () => {
    const [eta, lambda, b1, b2, eps] = [0.05, 0.1, 0.9, 0.999, 1e-8];
    const w = [...theta0];
    const s = [0, 0, 0]; // the notes' first moment s^t
    const r = [0, 0, 0]; // the notes' second moment r^t
    const g = [0, 0, 0];
    const notes: number[][] = [];
    for (let t = 1; t <= 50; t++) {
      quadGrad(w, g);
      for (let i = 0; i < 3; i++) {
        s[i] = b1 * s[i] + (1 - b1) * g[i];
        r[i] = b2 * r[i] + (1 - b2) * g[i] * g[i];
        const sHat = s[i] / (1 - b1 ** t);
        const rHat = r[i] / (1 - b2 ** t);
        w[i] = (1 - eta * lambda) * w[i] - (eta * sHat) / (Math.sqrt(rHat) + eps);
      }
      notes.push([...w]);
    }
    const p = param(Float64Array.from(theta0));
    const opt = new AdamW([p], { lr: eta, weightDecay: lambda, impl });
    expectTrajectoriesClose(runOpt(opt, p, 50), notes, 1e-12);
  });
});
