/**
 * train --optimizer with the optimizers of issue 18: each builds its @descent/core class (checked
 * against one fit() call of @descent/mlp with that class built by hand), schedule-free is
 * evaluated at x (after eval()), and sophia, which needs Hessian-vector products, is refused.
 */
import {
  ADOPT,
  Adam8bit,
  AdamBf16,
  AdamW8bit,
  AdamWBf16,
  Adan,
  AdEMAMix,
  LAMB,
  LARS,
  type Optimizer,
  type Param,
  Prodigy,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  Shampoo,
  SOAP,
} from '@descent/core';
import { evaluate, fit, iris, mlp, standardize, trainTestSplit } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../commands/train.js';
import { train, trainOptimizers } from './session.js';

const base = { data: 'iris', layers: [8], lr: 0.01, batchSize: 16, seed: 2, epochs: 3 };

// biome-ignore lint/suspicious/noExplicitAny: each class has its own options type
type Cls = new (ps: Param[], o: any) => Optimizer<{ lr: number }>;

function byHand(cls: Cls, lr: number) {
  const split = trainTestSplit(iris(), { testFraction: 0.2, seed: 2, stratify: true });
  const s = standardize(split.train, split.test);
  const model = mlp({ sizes: [4, 8, 3], seed: 2 });
  let opt: Optimizer<{ lr: number }> | undefined;
  fit(model, s.train, {
    optimizer: (ps) => {
      opt = new cls(ps, { lr });
      return opt as never;
    },
    epochs: 3,
    batchSize: 16,
    seed: 2,
  });
  return { model, opt, test: s.others[0] };
}

describe('train --optimizer with the new optimizers', () => {
  it.each([
    ['prodigy', Prodigy, 1],
    ['lamb', LAMB, 0.01],
    ['lars', LARS, 0.1],
    ['adan', Adan, 0.01],
    ['adopt', ADOPT, 0.01],
    ['ademamix', AdEMAMix, 0.01],
    ['soap', SOAP, 0.01],
    ['shampoo', Shampoo, 0.01],
    ['adam8bit', Adam8bit, 0.01],
    ['adamw8bit', AdamW8bit, 0.01],
    ['adam-bf16', AdamBf16, 0.01],
    ['adamw-bf16', AdamWBf16, 0.01],
  ] as const)('%s trains as one fit() call with that class built by hand', async (name, cls, lr) => {
    const outcome = await train(settingsOf({ ...base, optimizer: name, lr }, undefined));
    const hand = byHand(cls as unknown as Cls, lr);
    expect(outcome.model.stateDict()).toEqual(hand.model.stateDict());
    expect(outcome.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    outcome.model.free();
    hand.model.free();
  });

  it.each([
    ['schedule-free-adamw', ScheduleFreeAdamW, 0.01],
    ['schedule-free-sgd', ScheduleFreeSGD, 0.1],
  ] as const)(
    '%s is tested and saved at x: the weights after eval() of a hand-run fit',
    async (name, cls, lr) => {
      const outcome = await train(settingsOf({ ...base, optimizer: name, lr }, undefined));
      const hand = byHand(cls as unknown as Cls, lr);
      const y = hand.model.stateDict();
      (hand.opt as unknown as ScheduleFreeAdamW).eval();
      expect(outcome.model.stateDict()).toEqual(hand.model.stateDict());
      expect(outcome.model.stateDict()).not.toEqual(y);
      expect(outcome.test).toEqual(evaluate(hand.model, hand.test));
      const saved = outcome.modelFile().optimizer as { state: { paramGroups: { trainMode: boolean }[] } };
      expect(saved.state.paramGroups[0].trainMode).toBe(false);
      outcome.model.free();
      hand.model.free();
    },
  );

  it('schedule-free reports the validation loss at x (the last epoch: the returned weights)', async () => {
    const outcome = await train(
      settingsOf({ ...base, optimizer: 'schedule-free-adamw', valFraction: 0.2 }, undefined),
    );
    const split = trainTestSplit(iris(), { testFraction: 0.2, seed: 2, stratify: true });
    const inner = trainTestSplit(split.train, { testFraction: 0.2, seed: 3, stratify: true });
    const s = standardize(inner.train, split.test, inner.test);
    const last = outcome.history[outcome.history.length - 1];
    expect(last.valLoss).toBe(evaluate(outcome.model, s.others[1]).loss);
    outcome.model.free();
  });

  it('resumes schedule-free from a checkpoint saved at x (train() before stepping again)', async () => {
    const first = await train(
      settingsOf({ ...base, optimizer: 'schedule-free-adamw', epochs: 2 }, undefined),
    );
    const file = first.modelFile();
    first.model.free();
    const resumed = await train(
      settingsOf({ ...base, optimizer: 'schedule-free-adamw' }, undefined),
      {},
      file,
    );
    expect(resumed.epoch).toBe(3);
    expect(resumed.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    resumed.model.free();
  });

  it('refuses sophia by name, with the reason, and lists the trainable names for an unknown one', async () => {
    await expect(train(settingsOf({ ...base, optimizer: 'sophia' }, undefined))).rejects.toThrow(
      /--optimizer sophia cannot train an MLP: it needs Hessian-vector products/,
    );
    expect(trainOptimizers).not.toContain('sophia');
    for (const n of [
      'schedule-free-adamw',
      'prodigy',
      'lamb',
      'lars',
      'adan',
      'adopt',
      'ademamix',
      'soap',
      'shampoo',
    ])
      expect(trainOptimizers).toContain(n);
  });
});
