/**
 * Logistic regression value + gradient on 5,000 x 30 (f32), as a `minimize()` objective
 * `(θ, g) => f(θ)` on every side (see ../logistic-regression.ts):
 *   - ours: @descent/autograd `valueAndGrad(f)` of a user-written loss over a flat θ;
 *   - TF.js on its wasm backend (one thread): `tf.valueAndGrads`;
 *   - jax-js on its wasm backend: `jit(valueAndGrad(f))` and, untargeted, eager `valueAndGrad`.
 * Before timing, every side's value and gradient at the same θ must agree to 1e-5, or the suite
 * throws. Target: >= 3x TF.js-wasm (issue 14's target for this case); the jax-js ratios are
 * reported without a target.
 */
import { report } from '../harness.js';
import { CPU_TIME_NOTE, timeInterleaved } from '../interleaved.js';
import {
  autogradObjective,
  jaxObjective,
  logRegData,
  type Objective,
  tfObjective,
} from '../logistic-regression.js';

/** θ = (0.1 sin k) for k = 1..31: away from 0 so every term of the gradient is exercised. */
function startingPoint(length: number): Float32Array {
  return Float32Array.from({ length }, (_, k) => 0.1 * Math.sin(k + 1));
}

function checkSameValueAndGrad(all: Objective[], theta: Float32Array): void {
  const results = all.map((o) => {
    const g = new Float32Array(theta.length);
    return { value: o.valueAndGrad(theta, g), g };
  });
  const [ref] = results;
  let worst = 0;
  for (const r of results) {
    worst = Math.max(worst, Math.abs(r.value - ref.value));
    for (let i = 0; i < ref.g.length; i++) worst = Math.max(worst, Math.abs(r.g[i] - ref.g[i]));
  }
  console.log(
    `  f(θ0): ${results.map((r) => r.value.toFixed(7)).join(', ')}; largest difference in f and ∇f ${worst.toExponential(1)}`,
  );
  if (!(worst <= 1e-5))
    throw new Error(
      `autograd-logreg: the sides disagree by ${worst} (${all.map((o, i) => `${o.name} ${results[i].value}`).join('; ')})`,
    );
}

export async function run(): Promise<void> {
  const data = logRegData(5000, 30);
  console.log(`  ${CPU_TIME_NOTE}`);
  const theta = startingPoint(data.d + 1);
  const all = [
    autogradObjective(data),
    await tfObjective(data),
    await jaxObjective(data, { jit: true }),
    await jaxObjective(data, { jit: false }),
  ];
  checkSameValueAndGrad(all, theta);
  const g = new Float32Array(theta.length);
  const [ours, tf, jaxJit, jaxEager] = await timeInterleaved(
    all.map((o) => ({ name: o.name, fn: () => o.valueAndGrad(theta, g) })),
  );
  report(
    'Logistic regression value + gradient, 5,000 x 30, f32',
    ours,
    [tf, jaxJit, jaxEager],
    [{ peer: tf.name, atLeast: 3 }],
  );
  for (const o of all) o.dispose();
}
