/**
 * --resume continues the saved schedule exactly, or refuses: a horizon laid over the first run's
 * --epochs is not stretched, and no resumed epoch trains at a learning rate of 0. The reference for
 * "exactly" is the straight run with the same settings (independent of any checkpoint).
 */
import { describe, expect, it } from 'vitest';
import { settingsOf } from '../commands/train.js';
import { type ModelFile, resumeScheduleProblem, train } from './session.js';

const flags = {
  data: 'iris',
  layers: [8],
  optimizer: 'sgd',
  lr: 0.1,
  batchSize: 16,
  seed: 3,
};

async function run(epochs: number, schedule: string, resume?: ModelFile) {
  const settings = settingsOf(resume ? { epochs } : { ...flags, schedule, epochs }, resume);
  const outcome = await train(settings, {}, resume);
  const file = outcome.modelFile();
  outcome.model.free();
  return file;
}

describe('train --resume and the schedule', () => {
  it('refuses to extend a cosine laid over the first run’s epochs, saying what to do', async () => {
    const first = await run(3, 'cosine');
    await expect(run(5, 'cosine', first)).rejects.toThrow(
      /--epochs 5 goes past the end of the checkpoint's schedule "cosine", laid over 3 epochs \(TMax=3\).*start a new run.*--epochs 5\) \(this checkpoint has finished its 3-epoch schedule\)/,
    );
  });

  it('refuses resumed epochs at a learning rate of 0 even when the SPEC states its horizon', () => {
    const s = settingsOf({ ...flags, schedule: 'cosine:TMax=4', epochs: 4 }, undefined);
    expect(resumeScheduleProblem({ ...s, epochs: 6 }, 4)).toMatch(/learning rate of 0 at epoch 5/);
  });

  it('continues a schedule with its own horizon exactly as the straight run', async () => {
    const straight = await run(5, 'cosine:TMax=6');
    const resumed = await run(5, 'cosine:TMax=6', await run(3, 'cosine:TMax=6'));
    expect(resumed.weights).toEqual(straight.weights);
    expect(resumed.cli.history.map((h) => h.lr)).toEqual(straight.cli.history.map((h) => h.lr));
  });
});

describe('the advice when resuming mid-schedule', () => {
  it('offers resuming within the horizon when the checkpoint stopped before its end (Ctrl-C)', () => {
    const s = settingsOf({ ...flags, schedule: 'cosine', epochs: 20 }, undefined);
    expect(resumeScheduleProblem({ ...s, epochs: 30 }, 12)).toMatch(/or resume with at most --epochs 20; /);
  });
});
