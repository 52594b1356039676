export { beale, booth, goldsteinPrice, himmelblau, sixHumpCamel } from './classic-2d.js';
export { ackley, rastrigin, rosenbrock, styblinskiTang } from './classic-nd.js';
export { type LeastSquaresSpec, leastSquaresProblem } from './least-squares.js';
export {
  biggsExp6,
  brownBadlyScaled,
  freudensteinRoth,
  helicalValley,
  moreGarbowHillstrom,
  powellBadlyScaled,
  powellSingular,
  watson,
  wood,
} from './more-garbow-hillstrom.js';
export {
  cube,
  hyperbolicTangent,
  illConditionedQuadratic,
  monkeySaddle,
  saddle,
  square,
  xCos,
} from './notes.js';
export { defineProblem, type Problem, type ProblemSpec } from './problem.js';
export { quadratic, type SquareMatrixInput } from './quadratic.js';
export { getProblem, listProblems, type ProblemOptions, problems } from './registry.js';
