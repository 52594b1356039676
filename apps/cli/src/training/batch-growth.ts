/**
 * `descent train --batch-growth SPEC`: a batch that grows from epoch to epoch (mlp's fit, see its
 * batch-schedule.ts), starting at --batch-size b₀:
 *
 *   geometric:factor=2,max=512     |S_e| = min(max, ⌈b₀ · factorᵉ⌉)
 *   norm-test:vartheta=0.5,max=N   Byrd et al. (2012): after each epoch, keep |S| while the batch
 *                                  gradient's estimated variance is below ϑ²‖∇f_S‖², else grow it
 *   lr-decay:max=N                 Smith et al. (2018): where --schedule would decay the lr by c, grow
 *                                  the batch to b₀/c and keep the step (needs --schedule, not plateau)
 *
 * max defaults to the training rows (full batch). The norm test's current size is saved with the
 * model (`cli.nextBatchSize`), so --resume continues it.
 */
import { geometricBatchSize } from '@descent/core';
import type { BatchSizeOption } from '@descent/mlp';
import { UsageError, unknownNameError } from '../options/usage-error.js';

const families: Record<string, string[]> = {
  geometric: ['factor', 'max'],
  'norm-test': ['vartheta', 'max'],
  'lr-decay': ['max'],
};
export const batchGrowthNames = Object.keys(families);

export interface BatchGrowth {
  name: 'geometric' | 'norm-test' | 'lr-decay';
  options: Record<string, number>;
}

/** Parses NAME[:KEY=VALUE,...], naming the bad part. */
export function parseBatchGrowth(spec: string): BatchGrowth {
  const [name, body = ''] = spec.trim().split(/:(.*)/s);
  if (!Object.hasOwn(families, name)) throw unknownNameError('batch growth', name, batchGrowthNames);
  const options: Record<string, number> = {};
  for (const pair of body ? body.split(',') : []) {
    const [key, text] = pair.split('=').map((t) => t.trim());
    if (!families[name].includes(key))
      throw unknownNameError('key', key, families[name], `in --batch-growth ${name}`);
    const value = Number(text);
    const ok = key === 'max' ? Number.isInteger(value) && value >= 1 : Number.isFinite(value) && value > 0;
    if (text === undefined || text === '' || !ok) {
      throw new UsageError(
        `Invalid value for ${key} in --batch-growth "${spec}": ${JSON.stringify(text ?? '')} (expected ${key === 'max' ? 'an integer >= 1' : 'a number > 0'})`,
      );
    }
    options[key] = value;
  }
  if (name === 'geometric' && !((options.factor ?? 2) > 1)) {
    throw new UsageError(
      `Invalid value for factor in --batch-growth "${spec}": ${options.factor} (expected > 1)`,
    );
  }
  return { name: name as BatchGrowth['name'], options };
}

/**
 * fit's batchSize for the growth `g` from b₀ = `batchSize`; `current` is the norm test's size to
 * resume at; `schedule` the lr schedule lr-decay grows the batch in place of.
 */
export function batchSizeOption(
  g: BatchGrowth,
  batchSize: number,
  current: number | undefined,
  schedule: ((epoch: number) => number) | undefined,
): BatchSizeOption {
  const { max } = g.options;
  if (max !== undefined && max < batchSize) {
    throw new UsageError(
      `Invalid value for max in --batch-growth ${g.name}: ${max} (below --batch-size ${batchSize})`,
    );
  }
  if (g.name === 'geometric') {
    return geometricBatchSize({ initial: batchSize, factor: g.options.factor ?? 2, ...(max ? { max } : {}) });
  }
  if (g.name === 'norm-test') {
    return { normTest: g.options.vartheta ?? 0.5, initial: current ?? batchSize, ...(max ? { max } : {}) };
  }
  if (!schedule) {
    throw new UsageError(
      '--batch-growth lr-decay grows the batch where the lr schedule would decay: give --schedule SPEC too (not plateau)',
    );
  }
  return { lrDecay: schedule, initial: batchSize, ...(max ? { max } : {}) };
}
