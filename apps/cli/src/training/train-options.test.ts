/**
 * train's model and data options: dropout and batch norm, the synthetic data sets, a validation
 * split with early stopping, ReduceLROnPlateau. References: @descent/mlp called directly in one
 * fit() call (the session trains epoch by epoch, so they must agree), sklearn-shaped generators,
 * and early stopping counted by hand.
 */
import { AdamW } from '@descent/core';
import { fit, iris, mlp, moons, standardize, trainTestSplit } from '@descent/mlp';
import { ReduceLROnPlateau } from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../commands/train.js';
import { loadData, prepare } from './data.js';
import { earlyStop, train } from './session.js';

const base = { data: 'iris', layers: [8], optimizer: 'adamw', lr: 0.01, batchSize: 16, seed: 2, epochs: 6 };

describe('train --dropout, --batch-norm, --val-fraction and --schedule plateau', () => {
  it('trains as one fit() call of mlp({ dropout, batchNorm }) with ReduceLROnPlateau on the validation loss', async () => {
    const settings = settingsOf(
      {
        ...base,
        dropout: 0.2,
        batchNorm: true,
        valFraction: 0.2,
        schedule: 'plateau:factor=0.5,patience=0,threshold=0.5',
      },
      undefined,
    );
    const outcome = await train(settings);
    const split = trainTestSplit(iris(), { testFraction: 0.2, seed: 2, stratify: true });
    const inner = trainTestSplit(split.train, { testFraction: 0.2, seed: 3, stratify: true });
    const s = standardize(inner.train, split.test, inner.test);
    const model = mlp({ sizes: [4, 8, 3], dropout: 0.2, batchNorm: true, seed: 2 });
    const r = fit(model, s.train, {
      optimizer: (ps) => new AdamW(ps, { lr: 0.01 }),
      schedule: (o) => new ReduceLROnPlateau(o, { factor: 0.5, patience: 0, threshold: 0.5 }),
      validation: s.others[1],
      epochs: 6,
      batchSize: 16,
      seed: 2,
    });
    expect(outcome.model.stateDict()).toEqual(model.stateDict());
    expect(outcome.history.map((h) => [h.lr, h.valLoss])).toEqual(r.history.map((h) => [h.lr, h.valLoss]));
    expect(new Set(outcome.history.map((h) => h.lr)).size).toBeGreaterThan(1); // the plateau did reduce
    expect(outcome.modelFile().model.layers.map((l: { type: string }) => l.type)).toEqual(
      model.config().layers.map((l: { type: string }) => l.type),
    );
    outcome.model.free();
    model.free();
  });

  it('keeps the test split of a run without validation (eval finds the same held-out rows)', async () => {
    const data = await loadData('iris');
    const [plain, withVal] = [prepare(data, 0.2, 5), prepare(data, 0.2, 5, 0.25)];
    expect(withVal.test.x).toEqual(plain.test.x.map((_, i) => withVal.test.x[i]));
    expect(withVal.test.y).toEqual(plain.test.y);
    expect((withVal.validation?.n ?? 0) + withVal.train.n).toBe(plain.train.n);
  });

  it('refuses --patience without --val-fraction, and a dropout of 1', () => {
    expect(() => settingsOf({ ...base, patience: 3 }, undefined)).toThrow(
      /--patience .* give --val-fraction/,
    );
    expect(() => settingsOf({ ...base, dropout: 1 }, undefined)).toThrow(
      /--dropout: 1 \(expected a probability/,
    );
  });
});

describe('early stopping counted from the history', () => {
  const h = (valLoss: number[]) =>
    valLoss.map((v, epoch) => ({ epoch, loss: v, valLoss: v, lr: 1, batchSize: 32, gradNorms: {} }));

  it('stops once `patience` epochs after the best brought no lower validation loss', () => {
    expect(earlyStop(h([1, 0.5, 0.6, 0.7]), 2)).toMatch(/after epoch 4: .*0\.5000 at epoch 2, for 2 epochs/);
    expect(earlyStop(h([1, 0.5, 0.6, 0.7]), 3)).toBeNull();
    expect(earlyStop(h([1, 0.5, 0.6, 0.4]), 2)).toBeNull();
  });
});

describe('--data moons, circles, spirals, xor, gaussians', () => {
  it('draws the sklearn-shaped set of @descent/mlp with the options given', async () => {
    const a = await loadData('moons:n=200,noise=0.3,seed=4');
    const b = moons({ n: 200, noise: 0.3, seed: 4 });
    expect([a.n, a.features, a.classes]).toEqual([200, 2, 2]);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect((await loadData('spirals:classes=3')).classes).toBe(3);
  });

  it('refuses an unknown key or a bad number naming the data source', async () => {
    await expect(loadData('moons:size=3')).rejects.toThrow(/Unknown key "size" in --data moons:size=3/i);
    await expect(loadData('moons:n=x')).rejects.toThrow(/Invalid value for n in --data moons:n=x/);
  });
});
