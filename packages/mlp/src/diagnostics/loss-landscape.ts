/**
 * Loss-landscape slices (Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss Landscape of
 * Neural Nets", NeurIPS 2018): the mean loss along a line or a plane through the current
 * parameters θ,
 *
 *   1-D:  f(α)    = L(θ + α d)                  (d: a direction, or θ_B - θ_A to interpolate)
 *   2-D:  f(α, β) = L(θ + α d₁ + β d₂)
 *
 * Random directions are filter-normalized so that plots of different networks (or of the minima
 * reached by SGD and by Adam) are comparable: every filter d_i of a Gaussian direction (for a
 * Dense weight [out, in], row i: the incoming weights of unit i) is rescaled to the norm of the
 * matching filter of the weights,
 *
 *   d_i ← d_i ‖θ_i‖ / ‖d_i‖,
 *
 * and the 1-D parameters (biases, batch-norm γ and β) get d = 0 (the paper's code, ignore='biasbn'),
 * or d = θ with `biases: 'weights'` (its default otherwise). The grids are plain arrays ready to plot:
 * `losses[i * alphas.length + j] = f(alphas[j], betas[i])` (rows are β, as an image).
 */
import type { Dataset } from '../batches.js';
import { type EvaluateOptions, evaluate } from '../evaluate.js';
import type { Sequential } from '../layers/sequential.js';
import { deriveSeed, Rng } from '../random.js';
import { flatParameters, parameterCount, setFlatParameters } from './data-pass.js';

export interface DirectionOptions {
  /** Seed of the Gaussian direction (default 0). */
  seed?: number;
  /** 1-D parameters (biases, batch norm): 'zero' (default) or 'weights' (d = θ). */
  biases?: 'zero' | 'weights';
}

/**
 * Rescales `direction` (in `model.parameters()` order) filter by filter to the norms of the
 * model's filters (see the file comment); returns a new array.
 */
export function filterNormalize(
  model: Sequential,
  direction: Float64Array,
  options: Pick<DirectionOptions, 'biases'> = {},
): Float64Array {
  const biases = options.biases ?? 'zero';
  if (biases !== 'zero' && biases !== 'weights') {
    throw new RangeError(`Invalid biases: ${String(biases)} (expected 'zero' or 'weights')`);
  }
  const n = parameterCount(model);
  if (!(direction instanceof Float64Array) || direction.length !== n) {
    throw new RangeError(
      `Length mismatch: direction has ${direction?.length} values, the model has ${n} parameters`,
    );
  }
  const out = new Float64Array(n);
  let o = 0;
  for (const p of model.parameters()) {
    const w = p.data;
    if (p.shape.length < 2) {
      if (biases === 'weights') out.set(w, o);
    } else {
      const cols = p.length / p.shape[0];
      for (let r = 0; r < p.shape[0]; r++) {
        let wn = 0;
        let dn = 0;
        for (let c = 0; c < cols; c++) {
          wn += w[r * cols + c] ** 2;
          dn += direction[o + r * cols + c] ** 2;
        }
        const scale = Math.sqrt(wn) / (Math.sqrt(dn) + 1e-10);
        for (let c = 0; c < cols; c++) out[o + r * cols + c] = direction[o + r * cols + c] * scale;
      }
    }
    o += p.length;
  }
  return out;
}

/** A Gaussian direction N(0, I) from `seed`, filter-normalized to the model's weights. */
export function filterNormalizedDirection(model: Sequential, options: DirectionOptions = {}): Float64Array {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`Invalid seed: ${String(seed)} (expected an integer)`);
  const rng = new Rng(seed);
  const d = Float64Array.from({ length: parameterCount(model) }, () => rng.normal());
  return filterNormalize(model, d, options);
}

export interface SliceOptions extends EvaluateOptions, DirectionOptions {
  /** The direction d (default: a filter-normalized random one from `seed`). */
  direction?: Float64Array;
  /** The range of α (default [-1, 1]). */
  range?: [number, number];
  /** Grid points (default 51). */
  steps?: number;
}

export interface LossSlice {
  alphas: Float64Array;
  losses: Float64Array;
  /** Classification accuracy at each point (undefined for value targets). */
  accuracies: Float64Array | undefined;
  direction: Float64Array;
}

export interface SurfaceOptions extends EvaluateOptions, DirectionOptions {
  /** The two directions (default: two filter-normalized random ones, drawn from seeds derived from `seed`). */
  directions?: [Float64Array, Float64Array];
  /** The range of α and of β (default [-1, 1]). */
  range?: [number, number];
  /** Grid points per axis (default 21). */
  steps?: number;
}

export interface LossSurface {
  alphas: Float64Array;
  betas: Float64Array;
  /** losses[i * alphas.length + j] = L(θ + alphas[j] d₁ + betas[i] d₂) */
  losses: Float64Array;
  accuracies: Float64Array | undefined;
  directions: [Float64Array, Float64Array];
}

function grid(
  range: [number, number] | undefined,
  steps: number | undefined,
  defaultSteps: number,
): Float64Array {
  const [lo, hi] = range ?? [-1, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new RangeError(`Invalid range: ${JSON.stringify(range)} (expected [from, to], from < to)`);
  }
  const m = steps ?? defaultSteps;
  if (!Number.isInteger(m) || m < 2)
    throw new RangeError(`Invalid steps: ${String(m)} (expected an integer >= 2)`);
  return Float64Array.from({ length: m }, (_, i) => lo + ((hi - lo) * i) / (m - 1));
}

function checkDirection(name: string, d: Float64Array, n: number): Float64Array {
  if (!(d instanceof Float64Array) || d.length !== n) {
    throw new RangeError(`Length mismatch: ${name} has ${d?.length} values, the model has ${n} parameters`);
  }
  return d;
}

/** Evaluates the model at θ + Σ c_k d_k for each list of coefficients; θ is restored afterwards. */
function evaluateAlong(
  model: Sequential,
  data: Dataset,
  dirs: Float64Array[],
  points: number[][],
  options: EvaluateOptions,
): { losses: Float64Array; accuracies: Float64Array | undefined } {
  const theta = flatParameters(model);
  const moved = new Float64Array(theta.length);
  const losses = new Float64Array(points.length);
  const accuracies = data.y instanceof Int32Array ? new Float64Array(points.length) : undefined;
  try {
    points.forEach((c, k) => {
      moved.set(theta);
      dirs.forEach((d, m) => {
        for (let i = 0; i < moved.length; i++) moved[i] += c[m] * d[i];
      });
      setFlatParameters(model, moved);
      const e = evaluate(model, data, { loss: options.loss, batchSize: options.batchSize });
      losses[k] = e.loss;
      if (accuracies) accuracies[k] = e.accuracy as number;
    });
  } finally {
    setFlatParameters(model, theta);
  }
  return { losses, accuracies };
}

/** The 1-D slice f(α) = L(θ + α d) on a grid of α (eval mode; θ is left unchanged). */
export function lossSlice1d(model: Sequential, data: Dataset, options: SliceOptions = {}): LossSlice {
  const n = parameterCount(model);
  const direction = options.direction
    ? checkDirection('direction', options.direction, n)
    : filterNormalizedDirection(model, options);
  const alphas = grid(options.range, options.steps, 51);
  const r = evaluateAlong(
    model,
    data,
    [direction],
    Array.from(alphas, (a) => [a]),
    options,
  );
  return { alphas, ...r, direction };
}

/** The 2-D surface f(α, β) = L(θ + α d₁ + β d₂) on a square grid (eval mode; θ unchanged). */
export function lossSurface2d(model: Sequential, data: Dataset, options: SurfaceOptions = {}): LossSurface {
  const n = parameterCount(model);
  const seed = options.seed ?? 0;
  const directions: [Float64Array, Float64Array] = options.directions
    ? [
        checkDirection('directions[0]', options.directions[0], n),
        checkDirection('directions[1]', options.directions[1], n),
      ]
    : [
        filterNormalizedDirection(model, { ...options, seed: deriveSeed(seed, 0) }),
        filterNormalizedDirection(model, { ...options, seed: deriveSeed(seed, 1) }),
      ];
  const alphas = grid(options.range, options.steps, 21);
  const betas = alphas.slice();
  const points: number[][] = [];
  for (const b of betas) for (const a of alphas) points.push([a, b]);
  const r = evaluateAlong(model, data, directions, points, options);
  return { alphas, betas, ...r, directions };
}
