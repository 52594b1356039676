import { Adam } from '@descent/core';
import { fit as fitMlp, mlp, moons, trainTestSplit } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import {
  boxOf,
  decisionGridSize,
  parameterCount,
  parseHidden,
  Trainer,
  type TrainingSetup,
} from './training.js';

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

describe('training with a test split', () => {
  it('trains on the stratified split and reports the held-out loss and accuracy as fit(validation) does', () => {
    const trainer = new Trainer({ ...setup, testFraction: 0.25 });
    while (!trainer.done) trainer.run(9);
    const { train, test } = trainTestSplit(moons({ n: 200, noise: 0.1, seed: 3 }), {
      testFraction: 0.25,
      seed: 3,
    });
    expect(trainer.train.n).toBe(150);
    expect(trainer.test?.n).toBe(50);
    const model = mlp({ sizes: [2, 16, 16, 2], activation: 'tanh', seed: 3 });
    const once = fitMlp(model, train, {
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      epochs: 40,
      batchSize: 32,
      seed: 3,
      validation: test,
    });
    expect(trainer.history.map((h) => h.valAccuracy)).toEqual(once.history.map((h) => h.valAccuracy));
    expect(trainer.history.map((h) => h.valLoss)).toEqual(once.history.map((h) => h.valLoss));
    expect(trainer.history.at(-1)!.valAccuracy).toBeGreaterThan(0.9);
    trainer.free();
    model.free();
  });

  it('refuses a test fraction outside [0, 0.9], naming it', () => {
    expect(() => new Trainer({ ...setup, testFraction: 0.95 })).toThrow('Invalid test fraction: 0.95');
  });
});

describe('the decision map', () => {
  it('counts the parameters of mlp([2, 16, 16, 2]) as its layers hold them', () => {
    const model = mlp({ sizes: [2, 16, 16, 2], activation: 'tanh', seed: 1 });
    const held = model.parameters().reduce((n, p) => n + p.value.length, 0);
    model.free();
    expect(parameterCount([2, 16, 16, 2])).toBe(held);
    expect(parameterCount([2, 16, 16, 2])).toBe(3 * 16 + 17 * 16 + 17 * 2);
  });

  it('keeps about 4e7 multiply-adds per map: 120 cells a side for small nets, 24 for huge ones', () => {
    expect(decisionGridSize(parameterCount([2, 32, 32, 2]))).toBe(120);
    expect(decisionGridSize(parameterCount([2, 1024, 1024, 2]))).toBe(24);
    expect(decisionGridSize(1e4)).toBe(63); // √4000 = 63.2
  });

  it('evaluates the network at the cell centres, as probabilities() does for those points', () => {
    const trainer = new Trainer({ ...setup, epochs: 5 });
    trainer.run(5);
    const domain = boxOf(trainer.data.x);
    const grid = trainer.decisionGrid(domain, 3);
    const [[x0, x1], [y0, y1]] = domain;
    const at = (i: number, j: number) =>
      trainer.probabilities(
        Float32Array.from([x0 + ((x1 - x0) * (i + 0.5)) / 3, y0 + ((y1 - y0) * (j + 0.5)) / 3]),
      );
    expect(Array.from(grid.slice(2 * (1 * 3 + 2), 2 * (1 * 3 + 2) + 2))).toEqual(Array.from(at(2, 1)));
    expect(Array.from(grid.slice(0, 2))).toEqual(Array.from(at(0, 0)));
    trainer.free();
  });

  it('frames the data in a square box 15% wider than its extent on each side', () => {
    expect(boxOf(Float32Array.from([0, 1, 2, -2]))).toEqual([
      [-2.6, 2.6],
      [-2.6, 2.6],
    ]);
  });

  it('shrinks the weights under L2 and zeroes more of them under L1, biases untouched by either', () => {
    const norms = (t: Trainer) => {
      const weights = t.model.parameters().filter((p) => !p.name.endsWith('.bias'));
      const all = weights.flatMap((p) => Array.from(p.data));
      return { l2: Math.hypot(...all), small: all.filter((w) => Math.abs(w) < 1e-3).length };
    };
    const run = (extra: Partial<TrainingSetup>) => {
      const t = new Trainer({ ...setup, epochs: 30, ...extra });
      while (!t.done) t.run(10);
      const r = norms(t);
      t.free();
      return r;
    };
    const plain = run({});
    expect(run({ l2: 0.01 }).l2).toBeLessThan(0.8 * plain.l2);
    expect(run({ l1: 0.01 }).small).toBeGreaterThan(plain.small + 20);
  });

  it('refuses a negative λ and a dropout of 0.95 before training, naming them', () => {
    expect(() => new Trainer({ ...setup, l1: -1 })).toThrow('Invalid L1 lambda: -1');
    expect(() => new Trainer({ ...setup, dropout: 0.95 })).toThrow(
      'Invalid dropout: 0.95 (expected a probability from 0 to 0.9)',
    );
  });
});
