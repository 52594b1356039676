export { conditionNumber, type GradientDescentPrediction, predictGradientDescent } from './conditioning.js';
export {
  type ConvergenceData,
  type ConvergenceOptions,
  convergenceExperiment,
  type LipschitzObjective,
  lipschitzCone,
} from './convergence.js';
export {
  type ConvexSetCounterexample,
  type ConvexSetOptions,
  type ConvexSetReport,
  checkConvexSet,
} from './convex-set.js';
export {
  type ConvexityOptions,
  type ConvexityReport,
  checkConvexity,
  type JensenCounterexample,
} from './convexity.js';
export {
  type ClassifyOptions,
  type CriticalPoint,
  type CriticalPointClassification,
  type CriticalPointKind,
  classifyCriticalPoint,
  type FindCriticalPointsOptions,
  findCriticalPoints,
} from './critical-points.js';
export {
  type GradientFn,
  type HessianSource,
  hessian,
  hessianFromValues,
  hvp,
  hvpOperator,
} from './hessian.js';
export { type HutchinsonOptions, type HutchinsonResult, hutchinsonTrace } from './hutchinson.js';
export { type LanczosOptions, type LanczosResult, type LinearOperator, lanczos } from './lanczos.js';
export { type SeededRandom, seededRandom } from './seeded-random.js';
export {
  type EpsilonSharpnessOptions,
  type EpsilonSharpnessResult,
  epsilonSharpness,
  hessianTraceAt,
  type LargestEigenvalueResult,
  largestHessianEigenvalue,
} from './sharpness.js';
