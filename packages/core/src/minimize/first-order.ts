/**
 * minimize(..., { method: 'gd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | … }):
 * a first-order optimizer of @descent/core run on the objective, one gradient per iteration, with
 * a fixed learning rate and no line search:
 *
 *   x_0 = x0;  for k = 0, 1, …:  g_k = ∇f(x_k);  stop?;  x_{k+1} = optimizer.step(x_k, g_k)
 *
 * x lives in a float64 Param; the optimizer is the same class users train with (its fused path).
 * Names and what they build:
 *
 *   gd        SGD { lr }                              x ← x - η g
 *   momentum  SGD { lr, momentum: 0.9 }               v ← μ v + g,  x ← x - η v
 *   nesterov  SGD { lr, momentum: 0.9, nesterov }     x ← x - η (g + μ v)
 *   sgd, adam, adamw, adamax, nadam, radam, adagrad, adadelta, adafactor, rmsprop, rprop, asgd,
 *   lion: that optimizer class (Muon, for 2-D weights, and LBFGS, closure-based, are not here:
 *   use method 'lbfgs' for the latter)
 *
 * `lr` defaults to the class's own default (torch's); `optimizerOptions` passes the rest.
 * A step that makes f or ∇f non-finite ends the run: converged false, "Diverged: …".
 */
import { Adadelta } from '../optim/adadelta.js';
import { Adafactor } from '../optim/adafactor.js';
import { Adagrad } from '../optim/adagrad.js';
import { Adam } from '../optim/adam.js';
import { Adamax } from '../optim/adamax.js';
import { AdamW } from '../optim/adamw.js';
import { ASGD } from '../optim/asgd.js';
import { Lion } from '../optim/lion.js';
import { NAdam } from '../optim/nadam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { RAdam } from '../optim/radam.js';
import { RMSprop } from '../optim/rmsprop.js';
import { Rprop } from '../optim/rprop.js';
import { SGD } from '../optim/sgd.js';
import { param } from '../param.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { checkStop, type Stopping } from './stopping.js';

type Params = ReturnType<typeof param>[];
// biome-ignore lint/suspicious/noExplicitAny: each optimizer class has its own options type
type OptimizerClass = new (params: Params, options: any) => Optimizer<{ lr: number }>;

/** Method name -> optimizer class and the options the name implies. */
const firstOrderMethods: Record<string, { cls: OptimizerClass; implied?: Record<string, unknown> }> = {
  gd: { cls: SGD },
  momentum: { cls: SGD, implied: { momentum: 0.9 } },
  nesterov: { cls: SGD, implied: { momentum: 0.9, nesterov: true } },
  sgd: { cls: SGD },
  adagrad: { cls: Adagrad },
  rmsprop: { cls: RMSprop },
  adam: { cls: Adam },
  adamw: { cls: AdamW },
  adamax: { cls: Adamax },
  nadam: { cls: NAdam },
  radam: { cls: RAdam },
  adadelta: { cls: Adadelta },
  adafactor: { cls: Adafactor },
  asgd: { cls: ASGD },
  rprop: { cls: Rprop },
  lion: { cls: Lion },
};

export function firstOrderMethodNames(): string[] {
  return Object.keys(firstOrderMethods);
}

export function isFirstOrderMethod(name: unknown): boolean {
  return typeof name === 'string' && Object.hasOwn(firstOrderMethods, name);
}

export function minimizeFirstOrder(
  obj: CountedObjective,
  x0: Float64Array,
  stop: Stopping,
  method: string,
  lr: number | undefined,
  optimizerOptions: Record<string, unknown>,
): MinimizeResult {
  const { cls, implied } = firstOrderMethods[method];
  const options: Record<string, unknown> = { ...implied, ...optimizerOptions };
  if (lr !== undefined) options.lr = lr;
  const p = param(x0.slice());
  // the optimizer validates its options (RangeError naming the option) before anything runs
  const optimizer = new cls([p], options);
  const n = x0.length;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: x0.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  let fPrev = Number.NaN;
  try {
    for (;;) {
      state.x.set(p.data);
      state.f = obj.valueAndGrad(state.x, state.g);
      rec.record(state.f, state.x);
      const reason = checkStop(stop, obj, state.nit, fPrev, state.f, state.x, state.g);
      if (reason) return makeResult(obj, state, reason.converged, reason.message, rec.history);
      p.grad.set(state.g);
      optimizer.step();
      fPrev = state.f;
      state.nit++;
    }
  } finally {
    optimizer.resetState();
    p.free();
  }
}
