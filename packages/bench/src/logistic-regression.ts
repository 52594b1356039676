/**
 * The autograd suites' logistic regression, written once per library: f32 data X [5000, 30] and
 * labels y ∈ {0, 1} (synthetic, seeded), parameters θ = (w [30], b), and the mean log-loss
 *
 *   z = X w + b,   f(θ) = (1/N) Σᵢ [ softplus(zᵢ) − yᵢ zᵢ ],   ∇_w f = Xᵀ(σ(z) − y)/N,  ∂_b f = Σ(σ(z) − y)/N
 *
 * Every side has the contract of a `minimize()` objective, `(θ, g) => f(θ)` writing ∇f(θ) into g,
 * so each pays for getting θ in and the gradient out of its own memory.
 */
import { binaryCrossEntropyWithLogits, slice, tensor, valueAndGrad } from '@descent/autograd';
import type * as jaxNs from '@jax-js/jax';
import type { Scalar, Tensor as TfTensor } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers TF.js's gradient table, which tf.valueAndGrads needs
import { useJax } from './jax-peer.js';
import { useTf } from './peers.js';

export interface LogRegData {
  n: number;
  d: number;
  /** [n, d] row-major */
  x: Float32Array;
  /** 0 or 1 per row */
  y: Float32Array;
}

/** Gaussian-ish features (sum of uniforms), labels from a random true θ plus logistic noise. */
export function logRegData(n = 5000, d = 30, seed = 1): LogRegData {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const truth = Array.from({ length: d }, () => 2 * u() - 1);
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0.3;
    for (let j = 0; j < d; j++) {
      const v = u() + u() + u() - 1.5;
      x[i * d + j] = v;
      z += truth[j] * v;
    }
    const noise = Math.log(u() / (1 - u()));
    y[i] = z + noise > 0 ? 1 : 0;
  }
  return { n, d, x, y };
}

export interface Objective {
  name: string;
  /** f(θ), writing ∇f(θ) into g */
  valueAndGrad(theta: Float32Array, g: Float32Array): number;
  dispose(): void;
}

/** @descent/autograd: the loss as a function of one flat θ, through `valueAndGrad(f)`. */
export function autogradObjective(data: LogRegData): Objective {
  const { n, d } = data;
  const X = tensor(data.x, { shape: [n, d] });
  const Y = tensor(data.y);
  const f = valueAndGrad((theta) => {
    const z = X.matmul(slice(theta, [0], [d])).add(slice(theta, [d], [1]));
    return binaryCrossEntropyWithLogits(z, Y);
  });
  return {
    name: 'descent autograd valueAndGrad',
    valueAndGrad: (theta, g) => f(theta, g),
    dispose() {
      X.free();
      Y.free();
    },
  };
}

/** TF.js on its wasm backend: tf.valueAndGrads over (w, b), then dataSync. */
export async function tfObjective(data: LogRegData): Promise<Objective> {
  const tf = await useTf('wasm');
  const { n, d } = data;
  const X = tf.tensor2d(data.x, [n, d]);
  const Y = tf.tensor2d(data.y, [n, 1]);
  const vg = tf.valueAndGrads(
    (w: TfTensor, b: TfTensor) => tf.losses.sigmoidCrossEntropy(Y, tf.add(tf.matMul(X, w), b)) as Scalar,
  );
  return {
    name: 'TF.js-wasm valueAndGrads',
    valueAndGrad(theta, g) {
      const w = tf.tensor2d(theta.subarray(0, d), [d, 1]);
      const b = tf.scalar(theta[d]);
      const { value, grads } = vg([w, b]);
      g.set(grads[0].dataSync());
      g[d] = grads[1].dataSync()[0];
      const v = value.dataSync()[0];
      tf.dispose([w, b, value, ...grads]);
      return v;
    },
    dispose() {
      tf.dispose([X, Y]);
    },
  };
}

type JaxArray = jaxNs.Array;
type JaxTheta = { w: JaxArray; b: JaxArray };

/** jax-js: valueAndGrad over { w, b }, under `jit` or eagerly. */
export async function jaxObjective(data: LogRegData, options: { jit: boolean }): Promise<Objective> {
  const jax = await useJax();
  const { numpy: np, nn, tree } = jax;
  const { n, d } = data;
  const X = np.array(data.x).reshape([n, d]);
  const Y = np.array(data.y);
  const loss = (p: JaxTheta, x: JaxArray, y: JaxArray): JaxArray => {
    const z = np.matmul(x, p.w).add(p.b);
    return np.mean(nn.softplus(z.ref).sub(y.mul(z)));
  };
  const vg = jax.valueAndGrad(loss);
  const f = options.jit ? jax.jit(vg) : vg;
  return {
    name: options.jit ? 'jax-js jit(valueAndGrad)' : 'jax-js eager valueAndGrad',
    valueAndGrad(theta, g) {
      const p = { w: np.array(theta.slice(0, d)), b: np.array(theta.slice(d)).reshape([]) };
      const [value, grads] = f(p, X.ref, Y.ref) as [JaxArray, JaxTheta];
      g.set(grads.w.dataSync());
      g[d] = grads.b.dataSync()[0];
      return value.dataSync()[0];
    },
    dispose() {
      tree.dispose([X, Y]);
      if (options.jit) (f as { dispose?: () => void }).dispose?.();
    },
  };
}
