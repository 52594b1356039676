import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adam } from './adam.js';
import { SOAP } from './soap.js';
import {
  coupledLogGradient,
  expectClose,
  expectIdentical,
  fillGradients,
} from './test-support/conformance.js';
import { bestStepsToTarget, illConditionedMatrixProblem } from './test-support/ill-conditioned-matrix.js';
import { matrixCaseParams, shampooSoapFixture } from './test-support/shampoo-soap-fixture.js';

const TOL = { f64: 1e-10, f32: 1e-5 } as const;

/**
 * The fixture's SOAP gradient at call c (0-based): the coupled-log gradient plus 0.3 sin(0.9 c + 1.7 i),
 * in f64, stored once (see soap_grad in shampoo_soap.py for why it varies from call to call).
 */
function fillSoapGradients(params: Param[], call: number): void {
  for (const p of params) {
    const g = new Float64Array(p.length);
    coupledLogGradient(p.data, g);
    for (let i = 0; i < g.length; i++) g[i] = g[i] + 0.3 * Math.sin(0.9 * call + 1.7 * i);
    p.grad.set(g);
  }
}

describe('SOAP', () => {
  for (const c of shampooSoapFixture.soap) {
    for (const impl of ['fused', 'reference'] as const) {
      for (const dtype of ['f64', 'f32'] as const) {
        it(`follows the NumPy transcription of nikhilvyas/SOAP (${c.name}, ${impl}, ${dtype})`, () => {
          const params = matrixCaseParams(dtype, 'soap');
          const opt = new SOAP(params, { ...c.options, impl } as never);
          (dtype === 'f32' ? c.trajectoryF32 : c.trajectory).forEach((want, t) => {
            fillSoapGradients(params, t);
            opt.step();
            params.forEach((p, j) => {
              expectClose(p.data, want[j], TOL[dtype], `${c.name} step ${t + 1} param ${p.name}`);
            });
          });
        });
      }
    }
  }

  it('does not move the parameters on the first step (it only builds the eigenbases)', () => {
    const [w, b] = matrixCaseParams('f64', 'soap');
    const before = [w.data.slice(), b.data.slice()];
    const opt = new SOAP([w, b]);
    fillGradients([w, b]);
    opt.step();
    expectIdentical(w.data, before[0], 'w');
    expectIdentical(b.data, before[1], 'b');
  });

  it('resumes bit-identically from a state dict taken between refreshes (through structuredClone)', () => {
    const options = { ...shampooSoapFixture.soap[1].options } as never;
    const run = (split: boolean) => {
      const params = matrixCaseParams('f64', 'soap');
      let opt = new SOAP(params, options);
      for (let t = 1; t <= 11; t++) {
        if (split && t === 8) {
          const sd = structuredClone(opt.stateDict());
          opt = new SOAP(params, options);
          opt.loadStateDict(sd);
        }
        fillGradients(params);
        opt.step();
      }
      return params.map((p) => p.data.slice());
    };
    const a = run(false);
    const b = run(true);
    a.forEach((x, j) => {
      expectIdentical(b[j], x, `param ${j}`);
    });
  });

  it('rejects invalid options naming them, and state of the wrong length', () => {
    const w = param(new Float64Array(6), { shape: [2, 3] });
    expect(() => new SOAP([w], { lr: Number.NaN })).toThrow('Invalid learning rate: NaN');
    expect(() => new SOAP([w], { betas: [1, 0.95] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new SOAP([w], { preconditionFrequency: 0 })).toThrow(
      'Invalid preconditionFrequency value: 0',
    );
    expect(() => new SOAP([w], { maxPrecondDim: -3 })).toThrow('Invalid maxPrecondDim value: -3');
    expect(() => new SOAP([w], { warmupSteps: 1.5 })).toThrow('Invalid warmupSteps value: 1.5');
    expect(() => new SOAP([w], { precondition1d: 'no' as never })).toThrow(
      'Invalid precondition1d value: no',
    );
    expect(() => new SOAP([w], { shampooBeta: 0.9 } as never)).toThrow(/Unknown SOAP option: shampooBeta/);
    const opt = new SOAP([w]);
    w.grad.set([1, 2, 3, 4, 5, 7]);
    opt.step();
    const bad = structuredClone(opt.stateDict());
    bad.state[0].qRight = new Float64Array(4);
    expect(() => opt.loadStateDict(bad)).toThrow("state 'qRight' of");
    opt.paramGroups[0].maxPrecondDim = 2;
    expect(() => opt.step()).toThrow(/Invalid maxPrecondDim\/precondition1d/);
  });
});

describe('SOAP on an ill-conditioned matrix problem', () => {
  it('reaches 1e-4 of the starting loss in fewer than half the steps Adam needs, each at its best lr', () => {
    const problem = illConditionedMatrixProblem(8, 30);
    const lrs = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
    const adam = bestStepsToTarget(problem, (w, lr) => new Adam([w], { lr }) as never, lrs, 1e-4, 1500);
    const soap = bestStepsToTarget(
      problem,
      (w, lr) =>
        new SOAP([w], { lr, betas: [0.9, 0.999], weightDecay: 0, preconditionFrequency: 5 }) as never,
      lrs,
      1e-4,
      1500,
    );
    // measured: Adam 303 steps (best lr 1), SOAP 60 (best lr 0.3)
    expect(soap.steps, `Adam ${adam.steps} (lr ${adam.lr}), SOAP ${soap.steps} (lr ${soap.lr})`).toBeLessThan(
      adam.steps / 2,
    );
  });
});
