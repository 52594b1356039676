/**
 * Hessian-vector product of the digits MLP's loss (64-128-128-10 ReLU, mean cross-entropy,
 * 26,122 parameters, f32; see ../digits-mlp.ts) over all its parameters, batch 32 and 256:
 *   - ours: @descent/autograd `modelHessian(loss, leaves).hvp(v, out)` — the loss forward, its
 *     gradient recorded (createGraph), then the backward pass of ⟨∇L, v⟩; v and Hv flattened f64
 *     (core's LinearOperator, what lanczos and hutchinsonTrace call);
 *   - jax-js on its wasm backend: forward-over-reverse, `jvp(grad(L), [θ], [v])`, under `jit`
 *     and, untargeted, eagerly; v in and Hv out as f32 arrays per layer.
 * Before timing, both must give the same Hv to 1e-4 relative (max norm), or the suite throws.
 * Target: >= 1x jax-js jit.
 */
import type * as jaxNs from '@jax-js/jax';
import {
  autogradHvp,
  autogradModel,
  type DigitsBatch,
  digitsBatch,
  initialWeights,
  type JaxParams,
  jaxData,
  jaxLoss,
  jaxParams,
  type LayerWeights,
  PARAMETERS,
} from '../digits-mlp.js';
import { report } from '../harness.js';
import { CPU_TIME_NOTE, timeInterleaved } from '../interleaved.js';
import { useJax } from '../jax-peer.js';

interface HvpSide {
  name: string;
  /** H v into out (both flattened in layer order W1, b1, W2, b2, W3, b3) */
  hvp(v: Float64Array, out: Float64Array): void;
  dispose(): void;
}

function autogradSide(weights: LayerWeights[], batch: DigitsBatch): HvpSide {
  const model = autogradModel(weights, batch);
  const hvp = autogradHvp(model);
  return { name: 'descent autograd modelHessian.hvp', hvp, dispose: () => model.dispose() };
}

type JaxArray = jaxNs.Array;
const KEYS = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const;

async function jaxSide(weights: LayerWeights[], batch: DigitsBatch, jit: boolean): Promise<HvpSide> {
  const jax = await useJax();
  const { numpy: np, tree } = jax;
  const loss = jaxLoss(jax);
  const params = jaxParams(jax, weights);
  const { x, onehot } = jaxData(jax, batch);
  const shapes = weights.flatMap((l) => [[l.in, l.out], [l.out]]);
  const forwardOverReverse = (p: JaxParams, v: JaxParams, xb: JaxArray, yb: JaxArray): JaxParams => {
    const [g, hv] = jax.jvp((q: JaxParams) => jax.grad(loss)(q, xb, yb) as JaxParams, [p], [v]);
    tree.dispose(g);
    return hv;
  };
  const f = jit ? jax.jit(forwardOverReverse) : forwardOverReverse;
  const v32 = new Float32Array(PARAMETERS);
  return {
    name: jit ? 'jax-js jit(jvp(grad(L)))' : 'jax-js eager jvp(grad(L))',
    hvp(v, out) {
      v32.set(v);
      const vt: Partial<JaxParams> = {};
      let at = 0;
      KEYS.forEach((k, i) => {
        const size = shapes[i].reduce((a, b) => a * b, 1);
        vt[k] = np.array(v32.slice(at, at + size)).reshape(shapes[i]);
        at += size;
      });
      const hv = f(tree.ref(params), vt as JaxParams, x.ref, onehot.ref) as JaxParams;
      at = 0;
      for (const k of KEYS) {
        const part = hv[k].dataSync();
        out.set(part, at);
        at += part.length;
      }
    },
    dispose() {
      tree.dispose([params, x, onehot]);
      if (jit) (f as { dispose?: () => void }).dispose?.();
    },
  };
}

/** A fixed direction with entries in [-1, 1]. */
function direction(n: number): Float64Array {
  let s = 12345;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

function checkSameHvp(all: HvpSide[], v: Float64Array): void {
  const outs = all.map((s) => {
    const out = new Float64Array(v.length);
    s.hvp(v, out);
    return out;
  });
  const [ref] = outs;
  const scale = ref.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
  let worst = 0;
  for (const o of outs) for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(o[i] - ref[i]));
  console.log(
    `  ‖Hv‖∞ = ${scale.toExponential(3)}; largest difference between sides ${(worst / scale).toExponential(1)} of it`,
  );
  if (!(scale > 0) || !(worst <= 1e-4 * scale))
    throw new Error(`autograd-hvp: the sides disagree by ${worst} (‖Hv‖∞ = ${scale})`);
}

export async function run(): Promise<void> {
  const weights = initialWeights();
  console.log(`  ${CPU_TIME_NOTE}`);
  const v = direction(PARAMETERS);
  for (const rows of [32, 256]) {
    const batch = digitsBatch(rows);
    const all = [
      autogradSide(weights, batch),
      await jaxSide(weights, batch, true),
      await jaxSide(weights, batch, false),
    ];
    checkSameHvp(all, v);
    const out = new Float64Array(PARAMETERS);
    const [ours, jaxJit, jaxEager] = await timeInterleaved(
      all.map((s) => ({ name: s.name, fn: () => s.hvp(v, out) })),
    );
    report(
      `MLP 64-128-128-10 Hessian-vector product (${PARAMETERS.toLocaleString('en-US')} parameters), batch ${rows}, f32`,
      ours,
      [jaxJit, jaxEager],
      [{ peer: jaxJit.name, atLeast: 1 }],
    );
    for (const s of all) s.dispose();
  }
}
