// Data sets: the digits and iris, synthetic sets, a CSV loader, splits and standardization.
export { type CsvOptions, loadCsv, parseCsv } from './csv.js';
export {
  type ClassificationDataset,
  checkDataset,
  classCounts,
  copyDataset,
  type RegressionDataset,
  subset,
} from './dataset.js';
export { digits } from './digits.js';
export { iris } from './iris.js';
export { type SplitOptions, type ThreeWaySplitOptions, trainTestSplit, trainValTestSplit } from './split.js';
export { type Standardized, standardize, standardScale } from './standardize.js';
export {
  type CirclesOptions,
  circles,
  type GaussiansOptions,
  gaussians,
  moons,
  type SpiralsOptions,
  type SyntheticOptions,
  spirals,
  xor,
} from './synthetic.js';
