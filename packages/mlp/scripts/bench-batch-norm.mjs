// BatchNorm1d forward + backward (training) on a 32x128 f32 batch: median time per step.
// Usage: node scripts/bench-batch-norm.mjs [path to a built batch-norm.js (default: dist's)]
import { pathToFileURL } from 'node:url';
import { matrixFrom } from '@descent/kernels';

const file = process.argv[2] ? pathToFileURL(process.argv[2]).href : '../dist/layers/batch-norm.js';
const { BatchNorm1d } = await import(file);
const [B, F] = [32, 128];
const fill = (n, s) => Float32Array.from({ length: n }, (_, k) => Math.sin(k * 12.9898 + s) * 3 + 1);
for (const training of [true, false]) {
  const bn = new BatchNorm1d(F);
  const x = matrixFrom(B, F, fill(B * F, 1));
  const dy = matrixFrom(B, F, fill(B * F, 2));
  const step = () => {
    bn.forward(x, training);
    bn.backward(dy);
  };
  for (let i = 0; i < 2000; i++) step();
  const times = [];
  for (let r = 0; r < 15; r++) {
    const n = 1000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) step();
    times.push(Number(process.hrtime.bigint() - t0) / n / 1e3);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${training ? 'training' : 'eval    '} ${B}x${F} f32 forward+backward: ${times[7].toFixed(2)} us (median of 15)`,
  );
}
