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
 *   lion, prodigy, dadapt-adam, adopt, ademamix, lamb, lars, adan, shampoo, soap, adam8bit,
 *   adamw8bit, adam-bf16, adamw-bf16: that optimizer class (Muon, for 2-D weights, and LBFGS,
 *   closure-based, are not here: use method 'lbfgs' for the latter). x is a vector, so shampoo
 *   preconditions it as an n x 1 matrix (one n x n factor, L^(-1/2), no right side) and soap, without
 *   `precondition1d`, leaves a vector unrotated (it is then Adam with its own defaults).
 *
 *   schedule-free-sgd, schedule-free-adamw   ScheduleFreeSGD / ScheduleFreeAdamW. Gradients are
 *       taken at y, but the point to report is the average x: each iteration calls eval() and
 *       reads x_k (f, ∇f, stopping test, history), then train() and one more gradient at y_k for
 *       the step, so these cost two gradients an iteration.
 *   sophia   Sophia, whose diagonal-Hessian estimate is refreshed every 10 steps (the paper's k)
 *       from the objective's exact hvp, else its dense hessian; an objective with neither is
 *       refused (RangeError), as finite differences would hide Sophia's own cost.
 *
 * `lr` defaults to the class's own default (torch's); `optimizerOptions` passes the rest.
 * A step that makes f or ∇f non-finite ends the run: converged false, "Diverged: …".
 *
 * With `bounds` l <= x <= u: projected gradient. x0 is projected into the box (as L-BFGS-B does),
 * and after every optimizer step x <- P(x) = min(max(x, l), u), coordinate-wise; the optimizer's
 * own state (momentum, moments) is left as the step made it. The gradient test then reads the
 * projected gradient ‖P(x - ∇f) - x‖∞ <= gtol (L-BFGS-B's projgr), which is zero at a constrained
 * minimum where ∇f itself is not.
 */
import { Adadelta } from '../optim/adadelta.js';
import { Adafactor } from '../optim/adafactor.js';
import { Adagrad } from '../optim/adagrad.js';
import { Adam } from '../optim/adam.js';
import { Adam8bit, AdamW8bit } from '../optim/adam-8bit.js';
import { AdamBf16, AdamWBf16 } from '../optim/adam-bf16.js';
import { Adamax } from '../optim/adamax.js';
import { AdamW } from '../optim/adamw.js';
import { Adan } from '../optim/adan.js';
import { AdEMAMix } from '../optim/ademamix.js';
import { ADOPT } from '../optim/adopt.js';
import { ASGD } from '../optim/asgd.js';
import { DAdaptAdam } from '../optim/dadapt-adam.js';
import { LAMB } from '../optim/lamb.js';
import { LARS } from '../optim/lars.js';
import { Lion } from '../optim/lion.js';
import { NAdam } from '../optim/nadam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Prodigy } from '../optim/prodigy.js';
import { RAdam } from '../optim/radam.js';
import { RMSprop } from '../optim/rmsprop.js';
import { Rprop } from '../optim/rprop.js';
import { ScheduleFreeAdamW, ScheduleFreeSGD } from '../optim/schedule-free.js';
import { SGD } from '../optim/sgd.js';
import { Shampoo } from '../optim/shampoo.js';
import { SOAP } from '../optim/soap.js';
import { Sophia } from '../optim/sophia.js';
import { param } from '../param.js';
import { hessianVectorProduct } from './hessian-vector.js';
import type { CountedObjective } from './objective.js';
import { HistoryRecorder, type MinimizeResult, makeResult } from './result.js';
import { checkStop, messages, type Stopping } from './stopping.js';

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
  prodigy: { cls: Prodigy },
  'dadapt-adam': { cls: DAdaptAdam },
  adopt: { cls: ADOPT },
  ademamix: { cls: AdEMAMix },
  lamb: { cls: LAMB },
  lars: { cls: LARS },
  adan: { cls: Adan },
  shampoo: { cls: Shampoo },
  soap: { cls: SOAP },
  adam8bit: { cls: Adam8bit },
  adamw8bit: { cls: AdamW8bit },
  'adam-bf16': { cls: AdamBf16 },
  'adamw-bf16': { cls: AdamWBf16 },
  'schedule-free-sgd': { cls: ScheduleFreeSGD },
  'schedule-free-adamw': { cls: ScheduleFreeAdamW },
  sophia: { cls: Sophia },
};

/** Sophia refreshes its diagonal-Hessian estimate every this many steps (the paper's k). */
export const sophiaHessianInterval = 10;

/** Whether `name` is a schedule-free method (report x after eval(), step at y after train()). */
export function isScheduleFree(name: string): boolean {
  return name === 'schedule-free-sgd' || name === 'schedule-free-adamw';
}

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
  bounds?: { lower: Float64Array; upper: Float64Array },
): MinimizeResult {
  const { cls, implied } = firstOrderMethods[method];
  if (bounds && isScheduleFree(method)) {
    throw new RangeError(
      `Invalid bounds for method '${method}': its reported point x averages unprojected steps, so it could leave the box`,
    );
  }
  if (method === 'sophia' && !obj.hasHvp && !obj.hasHessian) {
    throw new RangeError(
      "Invalid method: 'sophia' needs Hessian-vector products, and the objective has neither hvp(x, v, out) nor hessian(x, out)",
    );
  }
  const options: Record<string, unknown> = { ...implied, ...optimizerOptions };
  if (lr !== undefined) options.lr = lr;
  const start = x0.slice();
  if (bounds) project(start, bounds.lower, bounds.upper);
  const p = param(start);
  // the optimizer validates its options (RangeError naming the option) before anything runs
  const optimizer = new cls([p], options);
  const n = x0.length;
  const rec = new HistoryRecorder(stop.recordPath);
  const state = { x: start.slice(), f: 0, g: new Float64Array(n), nit: 0 };
  const boxed = bounds ? { ...stop, messages: projectedMessages } : stop;
  const pg = new Float64Array(n);
  const free = isScheduleFree(method);
  const sf = optimizer as unknown as { eval(): void; train(): void };
  const hv = method === 'sophia' ? hessianVectorProduct(obj, n, obj.hasHvp ? 'hvp' : 'hessian') : undefined;
  const y = free ? new Float64Array(n) : undefined;
  const gy = free ? new Float64Array(n) : undefined;
  let fPrev = Number.NaN;
  try {
    for (;;) {
      if (free) sf.eval(); // p holds x_k, the average
      state.x.set(p.data);
      state.f = obj.valueAndGrad(state.x, state.g);
      rec.record(state.f, state.x);
      const gTest = bounds ? projectedGradient(state.x, state.g, bounds.lower, bounds.upper, pg) : state.g;
      const reason = checkStop(boxed, obj, state.nit, fPrev, state.f, state.x, gTest);
      if (reason) return makeResult(obj, state, reason.converged, reason.message, rec.history);
      if (free) {
        sf.train(); // p holds y_k, where the step's gradient is taken
        (y as Float64Array).set(p.data);
        obj.grad(y as Float64Array, gy as Float64Array);
        p.grad.set(gy as Float64Array);
      } else p.grad.set(state.g);
      if (hv && state.nit % sophiaHessianInterval === 0) {
        hv.at(state.x, state.g);
        (optimizer as unknown as Sophia).updateHessian((probes) => [
          hv.times(Float64Array.from(probes[0]), new Float64Array(n)),
        ]);
      }
      optimizer.step();
      if (bounds) project(p.data, bounds.lower, bounds.upper);
      fPrev = state.f;
      state.nit++;
    }
  } finally {
    optimizer.resetState();
    p.free();
  }
}

const projectedMessages = {
  ...messages,
  gtol: 'Optimization terminated successfully: projected gradient norm <= gtol',
};

/** x <- min(max(x, l), u), coordinate-wise. */
function project(x: Float64Array, l: Float64Array, u: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i], l[i]), u[i]);
}

/**
 * x - P(x - g) into out, coordinate by coordinate (L-BFGS-B's projgr): g_i, except where the step
 * -g_i would leave the box, where it is cut at the bound. A NaN in g stays NaN.
 */
function projectedGradient(
  x: Float64Array,
  g: Float64Array,
  l: Float64Array,
  u: Float64Array,
  out: Float64Array,
) {
  for (let i = 0; i < x.length; i++) {
    const gi = g[i];
    out[i] = gi < 0 ? Math.max(x[i] - u[i], gi) : gi > 0 ? Math.min(x[i] - l[i], gi) : gi;
  }
  return out;
}
