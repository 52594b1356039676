/**
 * Optimizer flags shared by `run` and `compare`: the learning rate, the optimizer classes'
 * hyper-parameters (passed only when given, so each class keeps torch's defaults), the iteration
 * limit and the tolerances.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { int, num, vec } from './settings.js';
import { UsageError } from './usage-error.js';

/** The defaults of the stopping flags (the command's --steps default is its own: run 200, compare 1000). */
export const stoppingDefaults = { gtol: 1e-8, tol: 1e-6 };

export function withOptimizerOptions(cmd: Command, defaultSteps: number): Command {
  return cmd
    .option('--lr <eta>', "learning rate of first-order methods (default: the optimizer's own, see --help)")
    .option(
      '--tune',
      "pick each first-order method's learning rate by a seeded search on the problem (--seed)",
    )
    .option('--momentum <mu>', 'SGD/RMSprop momentum')
    .option('--dampening <tau>', "SGD dampening (= momentum: the notes' average form)")
    .option('--nesterov', 'SGD Nesterov momentum')
    .option('--betas <b1,b2>', 'Adam-family betas, e.g. 0.9,0.999')
    .option('--eps <eps>', 'denominator epsilon of adaptive methods')
    .option('--weight-decay <lambda>', 'weight decay (coupled L2 for SGD/Adam, decoupled for AdamW)')
    .option('--alpha <alpha>', 'RMSprop smoothing constant')
    .option('--rho <rho>', 'Adadelta decay')
    .option('--steps <n>', `iteration limit (default ${defaultSteps})`)
    .option('--gtol <g>', `stop when max |grad f| <= gtol (default ${stoppingDefaults.gtol})`)
    .option('--tol <t>', `"reached" means f - f* <= tol (default ${stoppingDefaults.tol})`);
}

export const optimizerSettings = {
  lr: num('lr').optional(),
  tune: z.boolean().optional(),
  momentum: num('momentum').optional(),
  dampening: num('dampening').optional(),
  nesterov: z.boolean().optional(),
  betas: vec('betas').optional(),
  eps: num('eps').optional(),
  weightDecay: num('weight-decay').optional(),
  alpha: num('alpha').optional(),
  rho: num('rho').optional(),
  steps: int('steps', 1).optional(),
  gtol: num('gtol').optional(),
  tol: num('tol').optional(),
};

export interface OptimizerFlags {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  betas?: number[];
  eps?: number;
  weightDecay?: number;
  alpha?: number;
  rho?: number;
}

/** --tune chooses the rate: refused beside --lr (which fixes it). */
export function checkTune(s: { tune?: boolean; lr?: number }): void {
  if (s.tune && s.lr !== undefined) {
    throw new UsageError('Give either --lr or --tune, not both (--tune picks each optimizer’s rate)');
  }
}

/** The hyper-parameters given, as the optimizer classes name them. */
export function hyperParameters(s: OptimizerFlags): Record<string, unknown> {
  if (s.betas !== undefined && s.betas.length !== 2) {
    throw new UsageError(`Invalid value for --betas: ${s.betas.join(',')} (expected two numbers, b1,b2)`);
  }
  const given: Record<string, unknown> = {
    momentum: s.momentum,
    dampening: s.dampening,
    nesterov: s.nesterov,
    betas: s.betas,
    eps: s.eps,
    weightDecay: s.weightDecay,
    alpha: s.alpha,
    rho: s.rho,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
}
