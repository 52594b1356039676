import { Adam } from '@descent/core';
import { fit as fitMlp, mlp, moons } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { parseHidden, Trainer, type TrainingSetup } from './training.js';

const setup: TrainingSetup = {
  dataset: 'moons',
  n: 200,
  noise: 0.1,
  hidden: '16, 16',
  activation: 'tanh',
  optimizer: 'adam',
  lr: 0.02,
  batchSize: 32,
  epochs: 40,
  seed: 3,
};

describe('training a small MLP a few epochs at a time', () => {
  it('gives the same losses as one fit() call over all the epochs', () => {
    const trainer = new Trainer(setup);
    while (!trainer.done) trainer.run(7);
    const model = mlp({ sizes: [2, 16, 16, 2], activation: 'tanh', seed: 3 });
    const once = fitMlp(model, moons({ n: 200, noise: 0.1, seed: 3 }), {
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      epochs: 40,
      batchSize: 32,
      seed: 3,
    });
    expect(trainer.history.map((h) => h.loss)).toEqual(once.history.map((h) => h.loss));
    expect(trainer.epoch).toBe(40);
    expect(trainer.history.at(-1)!.accuracy).toBeGreaterThan(0.95);
    trainer.free();
    model.free();
  });

  it('turns logits into probabilities that sum to one and favour the right class on the data', () => {
    const trainer = new Trainer(setup);
    trainer.run(40);
    const p = trainer.probabilities(trainer.data.x);
    let correct = 0;
    for (let i = 0; i < trainer.data.n; i++) {
      expect(p[2 * i] + p[2 * i + 1]).toBeCloseTo(1, 6);
      if ((p[2 * i + 1] > 0.5 ? 1 : 0) === trainer.data.y[i]) correct++;
    }
    expect(correct / trainer.data.n).toBeGreaterThan(0.95);
    trainer.free();
  });

  it('refuses bad hidden sizes, epochs and learning rates with messages naming them', () => {
    expect(parseHidden(' 8,4 ')).toEqual([8, 4]);
    expect(() => parseHidden('8, x')).toThrow('Invalid hidden sizes: "8, x"');
    expect(() => new Trainer({ ...setup, epochs: 0 })).toThrow('Invalid epochs: 0');
    expect(() => new Trainer({ ...setup, lr: -1 })).toThrow('Invalid learning rate: -1');
  });
});
