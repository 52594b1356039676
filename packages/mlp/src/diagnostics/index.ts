// Diagnostics: gradient norms and saturation, Hessian-vector products and spectra, loss landscapes.
export { activationSecondDerivative, activationSlope, SlopeProbe } from './activation-slopes.js';
export {
  DataPass,
  type DataPassOptions,
  flatParameters,
  lossAndGradient,
  parameterCount,
  preservingModel,
  setFlatParameters,
  type WeightedBatch,
} from './data-pass.js';
export {
  type ActivationSaturation,
  type GradientReport,
  type GradientReportOptions,
  gradientReport,
  type LayerGradient,
} from './gradient-report.js';
export {
  type HessianEigenvaluesOptions,
  HessianOperator,
  type HessianTraceOptions,
  hessianEigenvalues,
  hessianTrace,
  hessianVectorProduct,
} from './hessian.js';
export {
  type DirectionOptions,
  filterNormalize,
  filterNormalizedDirection,
  type LossSlice,
  type LossSurface,
  lossSlice1d,
  lossSurface2d,
  type SliceOptions,
  type SurfaceOptions,
} from './loss-landscape.js';
