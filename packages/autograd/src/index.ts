// @descent/autograd: reverse-mode automatic differentiation with higher order, on descent's kernels.

export { finiteSumFromModel, type ModelFiniteSumSpec } from './finite-sum.js';
export { grad, hessian, hvp, jvp, type ModelHessian, modelHessian, valueAndGrad, vjp } from './functional.js';
export { type GradcheckOptions, type GradcheckResult, gradcheck } from './gradcheck.js';
export { type BackwardFn, type Node, record } from './graph.js';
export * from './ops/activations.js';
export * from './ops/conv.js';
export {
  abs,
  add,
  affine,
  clamp,
  cos,
  div,
  eq,
  exp,
  expm1,
  ge,
  gt,
  le,
  log,
  log1p,
  lt,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  onesLike,
  pow,
  reciprocal,
  sign,
  sin,
  sqrt,
  square,
  sub,
  where,
  zerosLike,
} from './ops/elementwise.js';
export * from './ops/losses.js';
export { matmul } from './ops/matmul.js';
export { broadcastTo, logSumExp, max, mean, min, reduceTo, sum } from './ops/reduce.js';
export {
  concat,
  flatten,
  gather,
  indexSelect,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  transpose,
  unsqueeze,
} from './ops/shape.js';
export { isGradEnabled, keep, noGrad, tidy } from './scope.js';
export { clearPool, pooledBytesNow, setPoolLimit } from './storage.js';
export {
  type BackwardOptions,
  fromParam,
  full,
  type NestedNumbers,
  ones,
  type Shape,
  scalar,
  Tensor,
  type TensorLike,
  type TensorOptions,
  tensor,
  zeros,
} from './tensor.js';
