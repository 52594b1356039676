/**
 * Seeded two-dimensional toy sets for demos and tests, with scikit-learn's parameters where it has
 * the set (`make_moons`, `make_circles`, `make_blobs`). Every draw comes from `seed`; classes get
 * n/K rows each (the first n mod K classes one more); rows are shuffled unless `shuffle: false`.
 * `noise` is the standard deviation of Gaussian noise added to each coordinate.
 *
 *   moons     outer arc (cos t, sin t), inner arc (1 - cos t, 1/2 - sin t), t ∈ [0, π]    (2 classes)
 *   circles   (cos t, sin t) and factor · (cos t, sin t), t ∈ [0, 2π)                      (2 classes)
 *   spirals   class k: r (cos θ, sin θ), θ = 2π (turns · r + k/K), r ∈ [0, 1]             (K arms)
 *   xor       uniform on [-1, 1]²; class 1 where x₁ x₂ < 0 (the 2nd and 4th quadrants)
 *   gaussians class k: N(c_k, std² I) in `features` dimensions, c_k uniform in the centerBox (make_blobs)
 */
import { Rng } from '../random.js';
import type { ClassificationDataset } from './dataset.js';

export interface SyntheticOptions {
  /** Number of samples (default 100, as sklearn). */
  n?: number;
  /** Standard deviation of the Gaussian noise on each coordinate (default 0). */
  noise?: number;
  /** Seed of every draw (default 0). */
  seed?: number;
  /** Shuffle the rows (default true); false keeps them by class. */
  shuffle?: boolean;
}

export interface CirclesOptions extends SyntheticOptions {
  /** Inner radius / outer radius, in [0, 1) (default 0.8, as sklearn). */
  factor?: number;
}

export interface SpiralsOptions extends SyntheticOptions {
  /** Number of arms = classes (default 2). */
  classes?: number;
  /** Turns of each arm from the centre to radius 1 (default 1). */
  turns?: number;
}

export interface GaussiansOptions extends Omit<SyntheticOptions, 'noise'> {
  /** Number of clusters = classes (default 3, as sklearn). */
  classes?: number;
  /** Dimensions (default 2). */
  features?: number;
  /** Standard deviation of every cluster (default 1). */
  std?: number;
  /** The box the centres are drawn from, uniformly in each coordinate (default [-10, 10]). */
  centerBox?: [number, number];
  /** Fixed centres, classes x features row-major (overrides classes and centerBox). */
  centers?: number[][];
}

interface Common {
  n: number;
  noise: number;
  rng: Rng;
  shuffle: boolean;
}

function common(options: SyntheticOptions | undefined, minN: number): Common {
  const { n = 100, noise = 0, seed = 0, shuffle = true } = options ?? {};
  if (!Number.isInteger(n) || n < minN)
    throw new RangeError(`Invalid n: ${String(n)} (expected an integer >= ${minN})`);
  if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise)) {
    throw new RangeError(`Invalid noise: ${String(noise)} (expected a standard deviation >= 0)`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new RangeError(`Invalid seed: ${String(seed)} (expected an integer)`);
  }
  if (typeof shuffle !== 'boolean')
    throw new RangeError(`Invalid shuffle: ${String(shuffle)} (expected a boolean)`);
  return { n, noise, rng: new Rng(seed), shuffle };
}

function checkClasses(option: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new RangeError(`Invalid ${option}: ${String(v)} (expected an integer >= ${min})`);
  }
  return v;
}

/** Rows per class: ⌊n/K⌋, the first n mod K classes one more (make_blobs's split). */
function perClass(n: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, k) => Math.floor(n / classes) + (k < n % classes ? 1 : 0));
}

/** Adds noise, shuffles the rows (when asked) and wraps the arrays as a data set. */
function finish(
  x: Float64Array,
  y: Int32Array,
  features: number,
  classes: number,
  c: Common,
): ClassificationDataset {
  const { n, noise, rng, shuffle } = c;
  if (noise > 0) for (let i = 0; i < x.length; i++) x[i] += noise * rng.normal();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) rng.shuffle(order);
  const xs = new Float32Array(n * features);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = order[i];
    for (let j = 0; j < features; j++) xs[i * features + j] = x[r * features + j];
    ys[i] = y[r];
  }
  const featureNames = Array.from({ length: features }, (_, j) => `x${j + 1}`);
  return { x: xs, y: ys, n, features, classes, featureNames };
}

/** t_i = start + i (stop - start) / (m - 1), i = 0 .. m-1 (numpy's linspace with its endpoint). */
function linspace(start: number, stop: number, m: number, i: number): number {
  return m === 1 ? start : start + ((stop - start) * i) / (m - 1);
}

/** Two interleaving half circles (sklearn's make_moons). */
export function moons(options?: SyntheticOptions): ClassificationDataset {
  const c = common(options, 2);
  const [nOut, nIn] = [Math.floor(c.n / 2), c.n - Math.floor(c.n / 2)];
  const x = new Float64Array(2 * c.n);
  const y = new Int32Array(c.n);
  for (let i = 0; i < nOut; i++) {
    const t = linspace(0, Math.PI, nOut, i);
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = linspace(0, Math.PI, nIn, i);
    const r = nOut + i;
    x[2 * r] = 1 - Math.cos(t);
    x[2 * r + 1] = 0.5 - Math.sin(t);
    y[r] = 1;
  }
  return finish(x, y, 2, 2, c);
}

/** A small circle inside a large one (sklearn's make_circles). */
export function circles(options?: CirclesOptions): ClassificationDataset {
  const c = common(options, 2);
  const factor = options?.factor ?? 0.8;
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) {
    throw new RangeError(`Invalid factor: ${String(factor)} (expected a ratio in [0, 1))`);
  }
  const [nOut, nIn] = [Math.floor(c.n / 2), c.n - Math.floor(c.n / 2)];
  const x = new Float64Array(2 * c.n);
  const y = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const inner = i >= nOut;
    const m = inner ? nIn : nOut;
    const t = (2 * Math.PI * (inner ? i - nOut : i)) / m;
    const r = inner ? factor : 1;
    x[2 * i] = r * Math.cos(t);
    x[2 * i + 1] = r * Math.sin(t);
    y[i] = inner ? 1 : 0;
  }
  return finish(x, y, 2, 2, c);
}

/** K interleaved spiral arms, each a rotation of the first by 2π/K. */
export function spirals(options?: SpiralsOptions): ClassificationDataset {
  const classes = checkClasses('classes', options?.classes ?? 2, 2);
  const c = common(options, classes);
  const turns = options?.turns ?? 1;
  if (typeof turns !== 'number' || !(turns > 0) || !Number.isFinite(turns)) {
    throw new RangeError(`Invalid turns: ${String(turns)} (expected a number > 0)`);
  }
  const x = new Float64Array(2 * c.n);
  const y = new Int32Array(c.n);
  let row = 0;
  perClass(c.n, classes).forEach((m, k) => {
    for (let i = 0; i < m; i++, row++) {
      const r = linspace(0, 1, m, i);
      const theta = 2 * Math.PI * (turns * r + k / classes);
      x[2 * row] = r * Math.cos(theta);
      x[2 * row + 1] = r * Math.sin(theta);
      y[row] = k;
    }
  });
  return finish(x, y, 2, classes, c);
}

/** Uniform points on [-1, 1]², labelled by the sign of x₁ x₂ (noise moves points after labelling). */
export function xor(options?: SyntheticOptions): ClassificationDataset {
  const c = common(options, 1);
  const x = new Float64Array(2 * c.n);
  const y = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const a = c.rng.uniform(-1, 1);
    const b = c.rng.uniform(-1, 1);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a * b < 0 ? 1 : 0;
  }
  return finish(x, y, 2, 2, c);
}

/** Isotropic Gaussian clusters, one per class (sklearn's make_blobs). */
export function gaussians(options?: GaussiansOptions): ClassificationDataset & { centers: number[][] } {
  const o = options ?? {};
  const features = checkClasses('features', o.features ?? (o.centers ? o.centers[0]?.length : 2), 1);
  const std = o.std ?? 1;
  if (typeof std !== 'number' || !(std >= 0) || !Number.isFinite(std)) {
    throw new RangeError(`Invalid std: ${String(std)} (expected a standard deviation >= 0)`);
  }
  const [lo, hi] = o.centerBox ?? [-10, 10];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new RangeError(
      `Invalid centerBox: ${JSON.stringify(o.centerBox)} (expected [low, high], low < high)`,
    );
  }
  const classes = o.centers ? o.centers.length : checkClasses('classes', o.classes ?? 3, 1);
  o.centers?.forEach((row, k) => {
    if (!Array.isArray(row) || row.length !== features || !row.every(Number.isFinite)) {
      throw new RangeError(
        `Invalid centers[${k}]: ${JSON.stringify(row)} (expected ${features} finite numbers)`,
      );
    }
  });
  const c = common({ n: o.n, seed: o.seed, shuffle: o.shuffle }, classes);
  const centers =
    o.centers ??
    Array.from({ length: classes }, () => Array.from({ length: features }, () => c.rng.uniform(lo, hi)));
  const x = new Float64Array(features * c.n);
  const y = new Int32Array(c.n);
  let row = 0;
  perClass(c.n, classes).forEach((m, k) => {
    for (let i = 0; i < m; i++, row++) {
      for (let j = 0; j < features; j++) x[row * features + j] = centers[k][j] + std * c.rng.normal();
      y[row] = k;
    }
  });
  return { ...finish(x, y, features, classes, c), centers: centers.map((r) => [...r]) };
}
