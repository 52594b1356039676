/**
 * train --batch-growth: the SPEC parsed or refused with the bad part named, the sizes each epoch
 * used (against their closed forms), and --resume continuing the norm test as the straight run.
 */
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../commands/train.js';
import { parseBatchGrowth } from './batch-growth.js';
import { type ModelFile, train } from './session.js';

const flags = { data: 'iris', layers: [8], optimizer: 'sgd', lr: 0.1, batchSize: 8, seed: 3 };

async function run(epochs: number, extra: Record<string, unknown>, resume?: ModelFile) {
  const settings = settingsOf(resume ? { epochs } : { ...flags, ...extra, epochs }, resume);
  const outcome = await train(settings, {}, resume);
  const file = outcome.modelFile();
  outcome.model.free();
  return file;
}

describe('--batch-growth', () => {
  it('parses NAME:KEY=VALUE specs', () => {
    expect(parseBatchGrowth('geometric:factor=1.5,max=64')).toEqual({
      name: 'geometric',
      options: { factor: 1.5, max: 64 },
    });
    expect(parseBatchGrowth('norm-test')).toEqual({ name: 'norm-test', options: {} });
  });

  it.each([
    ['geometrik', /Unknown batch growth "geometrik" \(did you mean "geometric"\?/],
    ['geometric:gamma=2', /Unknown key "gamma" in --batch-growth geometric/],
    ['geometric:factor=1', /Invalid value for factor .*expected > 1/],
    ['norm-test:max=2.5', /Invalid value for max .*"2.5" \(expected an integer >= 1\)/],
    ['norm-test:vartheta=', /Invalid value for vartheta/],
  ])('refuses %s, naming the bad part', (spec, message) => {
    expect(() => parseBatchGrowth(spec)).toThrow(message);
  });

  it('refuses lr-decay without a --schedule before training', () => {
    expect(() => settingsOf({ ...flags, batchGrowth: 'lr-decay', epochs: 3 }, undefined)).toThrow(
      /--batch-growth lr-decay .* give --schedule SPEC too/,
    );
  });

  it('geometric: epoch e trains with min(max, ⌈8 · 2ᵉ⌉) rows per batch', async () => {
    const file = await run(5, { batchGrowth: 'geometric:factor=2,max=64' });
    expect(file.cli.history.map((h) => h.batchSize)).toEqual([8, 16, 32, 64, 64]);
  });

  it('lr-decay: the batch doubles where step:stepSize=2,gamma=0.5 would halve the lr; the lr stays', async () => {
    const file = await run(6, { batchGrowth: 'lr-decay', schedule: 'step:stepSize=2,gamma=0.5' });
    expect(file.cli.history.map((h) => [h.batchSize, h.lr])).toEqual([
      [8, 0.1],
      [8, 0.1],
      [16, 0.1],
      [16, 0.1],
      [32, 0.1],
      [32, 0.1],
    ]);
  });

  it('norm-test: --resume continues the grown batch exactly as the straight run', async () => {
    const growth = { batchGrowth: 'norm-test:vartheta=0.3' };
    const straight = await run(6, growth);
    const resumed = await run(6, growth, await run(3, growth));
    const sizes = straight.cli.history.map((h) => h.batchSize);
    expect(sizes.at(-1)).toBeGreaterThan(8);
    expect(resumed.cli.history.map((h) => h.batchSize)).toEqual(sizes);
    expect(resumed.weights).toEqual(straight.weights);
  });
});
