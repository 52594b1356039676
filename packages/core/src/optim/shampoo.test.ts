import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adam } from './adam.js';
import { Shampoo } from './shampoo.js';
import { expectClose, expectIdentical, fillGradients } from './test-support/conformance.js';
import { bestStepsToTarget, illConditionedMatrixProblem } from './test-support/ill-conditioned-matrix.js';
import { matrixCaseParams, shampooSoapFixture } from './test-support/shampoo-soap-fixture.js';

const TOL = { f64: 1e-10, f32: 1e-5 } as const;

describe('Shampoo', () => {
  for (const c of shampooSoapFixture.shampoo) {
    for (const impl of ['fused', 'reference'] as const) {
      for (const dtype of ['f64', 'f32'] as const) {
        it(`follows the NumPy transcription of Distributed Shampoo (${c.name}, ${impl}, ${dtype})`, () => {
          const params = matrixCaseParams(dtype);
          const opt = new Shampoo(params, { ...c.options, impl } as never);
          (dtype === 'f32' ? c.trajectoryF32 : c.trajectory).forEach((want, t) => {
            fillGradients(params);
            opt.step();
            params.forEach((p, j) => {
              expectClose(p.data, want[j], TOL[dtype], `${c.name} step ${t + 1} param ${p.name}`);
            });
          });
        });
      }
    }
  }

  it('resumes bit-identically from a state dict taken between refreshes (through structuredClone)', () => {
    const options = { ...shampooSoapFixture.shampoo[1].options } as never;
    const run = (split: boolean) => {
      const params = matrixCaseParams('f64');
      let opt = new Shampoo(params, options);
      for (let t = 1; t <= 11; t++) {
        if (split && t === 8) {
          const sd = structuredClone(opt.stateDict());
          opt = new Shampoo(params, options);
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
    expect(() => new Shampoo([w], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new Shampoo([w], { betas: [0.9, 1] })).toThrow('Invalid beta parameter at index 1: 1');
    expect(() => new Shampoo([w], { blockSize: 0 })).toThrow('Invalid blockSize value: 0');
    expect(() => new Shampoo([w], { preconditionFrequency: 2.5 })).toThrow(
      'Invalid preconditionFrequency value: 2.5',
    );
    expect(() => new Shampoo([w], { preconditionFrequency: 10, startPreconditioningStep: 5 })).toThrow(
      'Invalid startPreconditioningStep value: 5 (expected null or an integer >= preconditionFrequency, 10)',
    );
    expect(() => new Shampoo([w], { rootMethod: 'svd' as never })).toThrow('Invalid rootMethod value: svd');
    expect(() => new Shampoo([w], { eps: -1 })).toThrow('Invalid eps value: -1');
    const opt = new Shampoo([w]);
    w.grad.set([1, 2, 3, 4, 5, 6]);
    opt.step();
    const sd = opt.stateDict();
    const bad = structuredClone(sd);
    bad.state[0].factorLeft = new Float64Array(9);
    expect(() => opt.loadStateDict(bad)).toThrow("state 'factorLeft' of");
    opt.paramGroups[0].blockSize = 2;
    const before = w.data.slice();
    expect(() => opt.step()).toThrow(/Invalid blockSize value: 2 .*call resetState\(\)/);
    expect(w.data).toEqual(before);
  });
});

describe('Shampoo on an ill-conditioned matrix problem', () => {
  it('reaches 1e-4 of the starting loss in fewer than half the steps Adam needs, each at its best lr', () => {
    const problem = illConditionedMatrixProblem(8, 30);
    const lrs = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
    const adam = bestStepsToTarget(problem, (w, lr) => new Adam([w], { lr }) as never, lrs, 1e-4, 1500);
    const shampoo = bestStepsToTarget(
      problem,
      (w, lr) => new Shampoo([w], { lr, preconditionFrequency: 5 }) as never,
      lrs,
      1e-4,
      1500,
    );
    // measured: Adam 303 steps (best lr 1), Shampoo 73 (best lr 0.3)
    expect(
      shampoo.steps,
      `Adam ${adam.steps} (lr ${adam.lr}), Shampoo ${shampoo.steps} (lr ${shampoo.lr})`,
    ).toBeLessThan(adam.steps / 2);
  });
});
