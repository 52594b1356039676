/**
 * The autograd suites' model, written once per library: a user's own 64-128-128-10 ReLU MLP with
 * mean softmax cross-entropy on a batch of standardized UCI digits (8x8 = 64 features, 10
 * classes), f32 on every side, from the same initial weights (nn.Linear's init, seed 0, taken
 * from @descent/mlp so its hand-written model starts there too):
 *
 *   h1 = relu(X W1 + b1),   h2 = relu(h1 W2 + b2),   z = h2 W3 + b3
 *   L  = (1/B) Σᵢ [ log Σⱼ e^{zᵢⱼ} − z_{i,yᵢ} ]
 *
 * A user writes `x W` with W [in, out]; @descent/mlp's Dense keeps torch's [out, in] and computes
 * x Wᵀ, so it gets the transposes. Each side offers `step()` — forward, backward and an Adam step
 * (lr 1e-3, betas 0.9/0.999, eps 1e-8 everywhere; TF.js's default eps is 1e-7, so it is given) —
 * returning the loss before the update, so the first call reads the loss at the shared weights.
 */

import {
  type Tensor as AgTensor,
  crossEntropy,
  fromParam,
  modelHessian,
  tensor,
  tidy,
} from '@descent/autograd';
import { Adam, type Param, param } from '@descent/core';
import { fromArray, matrixFrom } from '@descent/kernels';
import { digits, mlp, type Sequential, softmaxCrossEntropy, standardize, trainTestSplit } from '@descent/mlp';
import type * as jaxNs from '@jax-js/jax';
import type { Scalar, Variable } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers TF.js's gradient table, which tf.variableGrads needs
import { useJax } from './jax-peer.js';
import { useTf } from './peers.js';

export const SIZES = [64, 128, 128, 10] as const;
const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** The first `batch` rows of the standardized 80/20 training split (seed 0) of digits. */
export interface DigitsBatch {
  rows: number;
  /** [rows, 64] row-major */
  x: Float32Array;
  /** class per row, 0..9 */
  labels: Int32Array;
}

export function digitsBatch(rows: number): DigitsBatch {
  const { train, test } = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
  const { train: tr } = standardize(train, test);
  if (!Number.isInteger(rows) || rows < 1 || rows > tr.n)
    throw new RangeError(`digitsBatch: rows must be an integer in [1, ${tr.n}], got ${rows}`);
  return {
    rows,
    x: Float32Array.from(tr.x.subarray(0, rows * SIZES[0])),
    labels: Int32Array.from(tr.y.subarray(0, rows)),
  };
}

/** One layer's weights as a user holds them: W [in, out] and b [out]. */
export interface LayerWeights {
  w: Float32Array;
  b: Float32Array;
  in: number;
  out: number;
}

/** nn.Linear's initialization of the three layers (seed 0), via @descent/mlp's model. */
export function initialWeights(): LayerWeights[] {
  const model = mlp({ sizes: [...SIZES], activation: 'relu', seed: 0 });
  const sd = model.stateDict();
  model.free();
  return [0, 1, 2].map((l) => {
    const [n, m] = [SIZES[l], SIZES[l + 1]];
    const wt = sd[`dense${l}.weight`] as Float32Array; // [out, in]
    const w = new Float32Array(n * m);
    for (let o = 0; o < m; o++) for (let i = 0; i < n; i++) w[i * m + o] = wt[o * n + i];
    return { w, b: Float32Array.from(sd[`dense${l}.bias`] as Float32Array), in: n, out: m };
  });
}

/** Parameter count of the model (26,122). */
export const PARAMETERS = SIZES.slice(1).reduce((s, m, l) => s + (SIZES[l] + 1) * m, 0);

export interface TrainingSide {
  name: string;
  /** forward, backward and one Adam step; the loss before the step */
  step(): number | Promise<number>;
  dispose(): void;
}

export interface AutogradModel {
  params: Param<'f32'>[];
  /** W1, b1, W2, b2, W3, b3 as leaf tensors over the params */
  leaves: AgTensor[];
  /** the mean cross-entropy of the batch, recorded for backward */
  loss(): AgTensor;
  dispose(): void;
}

export function autogradModel(weights: LayerWeights[], batch: DigitsBatch): AutogradModel {
  const params = weights.flatMap((l, i) => [
    param(l.w, { name: `W${i + 1}`, shape: [l.in, l.out] }),
    param(l.b, { name: `b${i + 1}`, shape: [l.out] }),
  ]);
  const leaves = params.map((p) => fromParam(p));
  const [W1, b1, W2, b2, W3, b3] = leaves;
  const x = tensor(batch.x, { shape: [batch.rows, SIZES[0]] });
  const y = tensor(Float32Array.from(batch.labels));
  const loss = () => {
    const h1 = x.matmul(W1).add(b1).relu();
    const h2 = h1.matmul(W2).add(b2).relu();
    return crossEntropy(h2.matmul(W3).add(b3), y);
  };
  return {
    params,
    leaves,
    loss,
    dispose() {
      x.free();
      y.free();
      for (const l of leaves) l.free();
      for (const p of params) p.free();
    },
  };
}

/** @descent/autograd: the model as the user writes it, on Params that core's Adam steps. */
export function autogradSide(weights: LayerWeights[], batch: DigitsBatch): TrainingSide & AutogradModel {
  const model = autogradModel(weights, batch);
  const opt = new Adam(model.params, { lr: ADAM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.eps });
  return {
    ...model,
    name: 'descent autograd',
    step: () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = model.loss();
        loss.backward();
        const value = loss.item();
        opt.step();
        return value;
      }),
  };
}

/** The Hessian-vector product of the autograd model's loss over its flattened parameters. */
export function autogradHvp(model: AutogradModel): (v: Float64Array, out: Float64Array) => Float64Array {
  return modelHessian(model.loss, model.leaves).hvp;
}

/** @descent/mlp's hand-written layers (Dense + ReLU, fused softmax-CE kernel), its Adam. */
export function handWrittenSide(weights: LayerWeights[], batch: DigitsBatch): TrainingSide {
  const model: Sequential = mlp({ sizes: [...SIZES], activation: 'relu', seed: 0 });
  const sd: Record<string, Float32Array> = {};
  weights.forEach((l, k) => {
    const wt = new Float32Array(l.in * l.out);
    for (let i = 0; i < l.in; i++) for (let o = 0; o < l.out; o++) wt[o * l.in + i] = l.w[i * l.out + o];
    sd[`dense${k}.weight`] = wt;
    sd[`dense${k}.bias`] = l.b;
  });
  model.loadStateDict(sd);
  const opt = new Adam(model.parameters(), { lr: ADAM.lr, betas: [ADAM.beta1, ADAM.beta2], eps: ADAM.eps });
  const x = matrixFrom(batch.rows, SIZES[0], batch.x);
  const y = fromArray(Float32Array.from(batch.labels));
  const dOut = matrixFrom(batch.rows, SIZES[3], new Float32Array(batch.rows * SIZES[3]));
  return {
    name: 'descent mlp hand-written',
    step() {
      model.zeroGrad();
      const out = model.forward(x);
      const value = softmaxCrossEntropy.compute(out, y, dOut);
      model.backward(dOut);
      opt.step();
      return value;
    },
    dispose() {
      model.free();
      x.data.free();
      y.free();
      dOut.data.free();
    },
  };
}

/** TF.js on its wasm backend (one thread): tf.variableGrads + tf.train.adam. */
export async function tfSide(weights: LayerWeights[], batch: DigitsBatch): Promise<TrainingSide> {
  const tf = await useTf('wasm');
  const vars: Variable[] = weights.flatMap((l) => [
    tf.variable(tf.tensor2d(l.w, [l.in, l.out])),
    tf.variable(tf.tensor1d(l.b)),
  ]);
  const [W1, b1, W2, b2, W3, b3] = vars;
  const x = tf.tensor2d(batch.x, [batch.rows, SIZES[0]]);
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(batch.labels, 'int32'), SIZES[3]), 'float32'));
  const opt = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const loss = () => {
    const h1 = tf.relu(tf.add(tf.matMul(x, W1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, W2), b2));
    return tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(h2, W3), b3)) as Scalar;
  };
  return {
    name: 'TF.js-wasm variableGrads+adam',
    step() {
      const { value, grads } = tf.variableGrads(loss, vars);
      opt.applyGradients(grads as Record<string, Variable>); // what optimizer.minimize passes
      const v = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return v;
    },
    dispose() {
      opt.dispose();
      tf.dispose([...vars, x, onehot]);
    },
  };
}

type Jax = typeof jaxNs;
type JaxArray = jaxNs.Array;
/** The parameters as a jax-js pytree. */
export type JaxParams = {
  w1: JaxArray;
  b1: JaxArray;
  w2: JaxArray;
  b2: JaxArray;
  w3: JaxArray;
  b3: JaxArray;
};

/** The mean cross-entropy in jax-js (every array argument is consumed, jax-js's ownership rule). */
export function jaxLoss(jax: Jax) {
  const { numpy: np, nn } = jax;
  return (p: JaxParams, x: JaxArray, onehot: JaxArray): JaxArray => {
    const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
    const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
    const logp = nn.logSoftmax(np.matmul(h2, p.w3).add(p.b3), -1);
    return np.mean(np.sum(onehot.mul(logp), -1)).neg();
  };
}

export function jaxParams(jax: Jax, weights: LayerWeights[]): JaxParams {
  const np = jax.numpy;
  const a = (l: LayerWeights) => np.array(l.w).reshape([l.in, l.out]);
  const [l1, l2, l3] = weights;
  return {
    w1: a(l1),
    b1: np.array(l1.b),
    w2: a(l2),
    b2: np.array(l2.b),
    w3: a(l3),
    b3: np.array(l3.b),
  };
}

export function jaxData(jax: Jax, batch: DigitsBatch): { x: JaxArray; onehot: JaxArray } {
  const np = jax.numpy;
  const onehot = new Float32Array(batch.rows * SIZES[3]);
  batch.labels.forEach((c, i) => {
    onehot[i * SIZES[3] + c] = 1;
  });
  return {
    x: np.array(batch.x).reshape([batch.rows, SIZES[0]]),
    onehot: np.array(onehot).reshape([batch.rows, SIZES[3]]),
  };
}

/**
 * jax-js: valueAndGrad of the loss and an Adam update written with jax.numpy (jax-js ships no
 * optimizer), the whole step under `jit` (one compiled program, fused element-wise kernels), or
 * eagerly op by op with `jit: false`.
 *
 *   m ← β1 m + (1−β1) g,   v ← β2 v + (1−β2) g²,   θ ← θ − c1 m / (c2 √v + ε)
 *   c1 = η/(1−β1ᵗ), c2 = 1/√(1−β2ᵗ)   (torch's form, as core's Adam)
 */
export async function jaxSide(
  weights: LayerWeights[],
  batch: DigitsBatch,
  options: { jit: boolean },
): Promise<TrainingSide> {
  const jax = await useJax();
  const { numpy: np, tree } = jax;
  const lossFn = jaxLoss(jax);
  const { x, onehot } = jaxData(jax, batch);
  let params = jaxParams(jax, weights);
  let m = tree.map((p: JaxArray) => np.zerosLike(p), tree.ref(params)) as JaxParams;
  let v = tree.map((p: JaxArray) => np.zerosLike(p), tree.ref(params)) as JaxParams;
  const { beta1: b1, beta2: b2, eps } = ADAM;
  const update = (
    p: JaxParams,
    mt: JaxParams,
    vt: JaxParams,
    xb: JaxArray,
    yb: JaxArray,
    c1: JaxArray,
    c2: JaxArray,
  ): [JaxArray, JaxParams, JaxParams, JaxParams] => {
    const [loss, g] = jax.valueAndGrad(lossFn)(tree.ref(p), xb, yb) as [JaxArray, JaxParams];
    const keys = Object.keys(p) as (keyof JaxParams)[];
    const np2: Partial<JaxParams> = {};
    const nm: Partial<JaxParams> = {};
    const nv: Partial<JaxParams> = {};
    for (const k of keys) {
      const gk = g[k];
      nm[k] = mt[k].mul(b1).add(gk.ref.mul(1 - b1));
      nv[k] = vt[k].mul(b2).add(gk.ref.mul(gk).mul(1 - b2));
      const denom = np
        .sqrt((nv[k] as JaxArray).ref)
        .mul(c2.ref)
        .add(eps);
      np2[k] = p[k].sub((nm[k] as JaxArray).ref.mul(c1.ref).div(denom));
    }
    c1.dispose();
    c2.dispose();
    return [loss, np2 as JaxParams, nm as JaxParams, nv as JaxParams];
  };
  const stepFn = options.jit ? jax.jit(update) : update;
  let t = 0;
  return {
    name: options.jit ? 'jax-js jit(valueAndGrad+adam)' : 'jax-js eager valueAndGrad+adam',
    step() {
      t++;
      const c1 = np.array(new Float32Array([ADAM.lr / (1 - b1 ** t)])).reshape([]);
      const c2 = np.array(new Float32Array([1 / Math.sqrt(1 - b2 ** t)])).reshape([]);
      const [loss, p, mt, vt] = stepFn(params, m, v, x.ref, onehot.ref, c1, c2) as [
        JaxArray,
        JaxParams,
        JaxParams,
        JaxParams,
      ];
      params = p;
      m = mt;
      v = vt;
      return loss.dataSync()[0];
    },
    dispose() {
      tree.dispose([params, m, v, x, onehot]);
      if (options.jit) (stepFn as { dispose?: () => void }).dispose?.();
    },
  };
}
