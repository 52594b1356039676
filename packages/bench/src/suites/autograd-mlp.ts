/**
 * One training step — forward, backward, Adam — of a user-written 64-128-128-10 ReLU MLP on a
 * digits batch (f32), batch 32 and 256, side by side (see ../digits-mlp.ts for the model and
 * each side's code):
 *   - ours: @descent/autograd (tensors over core Params, `loss.backward()`, core's Adam);
 *   - @descent/mlp's hand-written layers (Dense/ReLU with hand-derived backward, fused
 *     softmax-CE kernel, the same Adam): what autograd costs over writing the gradient by hand;
 *   - TF.js on its wasm backend, one thread: `tf.variableGrads` + `tf.train.adam`;
 *   - jax-js on its wasm backend (one thread under Node): `valueAndGrad` and an Adam update in
 *     jax.numpy, the whole step under `jit` (its fast path) and, untargeted, eagerly.
 * Every step reads the loss back to JS on every side, so lazy peers really do the work.
 * Before timing, the first two steps' losses (at the shared weights, then after one Adam step)
 * must agree across sides to 1e-5 (2e-5 after the step), or the suite throws.
 * Targets: >= 3x TF.js-wasm, >= 1.5x jax-js jit, >= 0.5x the hand-written layers (within 2x).
 */

import {
  autogradSide,
  type DigitsBatch,
  digitsBatch,
  handWrittenSide,
  initialWeights,
  jaxSide,
  type LayerWeights,
  type TrainingSide,
  tfSide,
} from '../digits-mlp.js';
import { report } from '../harness.js';
import { CPU_TIME_NOTE, timeInterleaved } from '../interleaved.js';
import { jaxThreads } from '../jax-peer.js';

async function sides(weights: LayerWeights[], batch: DigitsBatch): Promise<TrainingSide[]> {
  return [
    autogradSide(weights, batch),
    handWrittenSide(weights, batch),
    await tfSide(weights, batch),
    await jaxSide(weights, batch, { jit: true }),
    await jaxSide(weights, batch, { jit: false }),
  ];
}

/** The first two losses of every side; throws when they disagree beyond the tolerances. */
async function checkSameLosses(all: TrainingSide[]): Promise<void> {
  const first: number[] = [];
  const second: number[] = [];
  for (const s of all) {
    first.push(await s.step());
    second.push(await s.step());
  }
  const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
  console.log(
    `  losses at the shared weights: ${first.map((v) => v.toFixed(7)).join(', ')} (spread ${spread(first).toExponential(1)})`,
  );
  console.log(
    `  after one Adam step:         ${second.map((v) => v.toFixed(7)).join(', ')} (spread ${spread(second).toExponential(1)})`,
  );
  if (!(spread(first) <= 1e-5) || !(spread(second) <= 2e-5))
    throw new Error(
      `autograd-mlp: the sides disagree (${all.map((s, i) => `${s.name} ${first[i]} / ${second[i]}`).join('; ')})`,
    );
}

export async function run(): Promise<void> {
  const weights = initialWeights();
  console.log(`  jax-js: ${jaxThreads()}`);
  console.log(`  ${CPU_TIME_NOTE}`);
  for (const rows of [32, 256]) {
    const all = await sides(weights, digitsBatch(rows));
    console.log(`\n  batch ${rows}, sides: ${all.map((s) => s.name).join(' | ')}`);
    await checkSameLosses(all);
    const [ours, hand, tf, jaxJit, jaxEager] = await timeInterleaved(
      all.map((s) => ({ name: s.name, fn: () => s.step() })),
    );
    report(
      `MLP 64-128-128-10 training step (forward, backward, Adam) on digits, batch ${rows}, f32`,
      ours,
      [hand, tf, jaxJit, jaxEager],
      [
        { peer: hand.name, atLeast: 0.5 },
        { peer: tf.name, atLeast: 3 },
        { peer: jaxJit.name, atLeast: 1.5 },
      ],
    );
    for (const s of all) s.dispose();
  }
}
