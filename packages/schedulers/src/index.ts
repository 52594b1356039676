// @descent/schedulers: learning-rate schedules, as pure functions of the step and as
// torch.optim.lr_scheduler-style classes bound to an optimizer.

// Pure schedules: (step) => lr
export { chained } from './schedules/chained.js';
export { type ConstantOptions, constant } from './schedules/constant.js';
export { type CosineOptions, cosine } from './schedules/cosine.js';
export {
  type CosineWarmRestartsOptions,
  cosineWarmRestarts,
  warmRestartCycle,
} from './schedules/cosine-warm-restarts.js';
export { type CyclicOptions, cyclic } from './schedules/cyclic.js';
export { type ExponentialOptions, exponential } from './schedules/exponential.js';
export { type InverseTimeOptions, inverseTime } from './schedules/inverse-time.js';
export { type LinearOptions, linear } from './schedules/linear.js';
export { type MultiStepOptions, multiStep } from './schedules/multi-step.js';
export { annealCos, annealLinear, type OneCycleOptions, oneCycle } from './schedules/one-cycle.js';
export { type PolynomialOptions, polynomial } from './schedules/polynomial.js';
export { type Schedule, sample } from './schedules/schedule.js';
export { sequential } from './schedules/sequential.js';
export { type StepOptions, step } from './schedules/step.js';
export { type WarmupOptions, warmup } from './schedules/warmup.js';

// Scheduler classes bound to an optimizer

export { ChainedScheduler } from './schedulers/chained-scheduler.js';
export { ConstantLR, type ConstantLROptions } from './schedulers/constant-lr.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine-annealing-lr.js';
export {
  CosineAnnealingWarmRestarts,
  type CosineAnnealingWarmRestartsOptions,
} from './schedulers/cosine-annealing-warm-restarts.js';
export { CyclicLR, type CyclicLROptions, type CyclicMode } from './schedulers/cyclic-lr.js';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/exponential-lr.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './schedulers/lambda-lr.js';
export { LinearLR, type LinearLROptions } from './schedulers/linear-lr.js';
export {
  LRScheduler,
  type SchedulableOptimizer,
  type SchedulableParamGroup,
  type SchedulerState,
} from './schedulers/lr-scheduler.js';
export { MultiStepLR, type MultiStepLROptions } from './schedulers/multi-step-lr.js';
export { MultiplicativeLR, type MultiplicativeLROptions } from './schedulers/multiplicative-lr.js';
export { OneCycleLR, type OneCycleLROptions } from './schedulers/one-cycle-lr.js';
export { PolynomialLR, type PolynomialLROptions } from './schedulers/polynomial-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau.js';
export { SequentialLR, type SequentialLROptions } from './schedulers/sequential-lr.js';
export { StepLR, type StepLROptions } from './schedulers/step-lr.js';
