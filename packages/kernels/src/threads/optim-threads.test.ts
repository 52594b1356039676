import { afterAll, describe, expect, it } from 'vitest';
import { type DType, type FloatArray, fromArray, type WasmArray } from '../arena.js';
import { fusedAdadeltaStep } from '../optim-adadelta.js';
import { fusedAdagradStep } from '../optim-adagrad.js';
import { fusedAdamStep, fusedNAdamStep } from '../optim-adam.js';
import { fusedLionStep } from '../optim-lion.js';
import { fusedRmspropStep } from '../optim-rmsprop.js';
import { fusedSgdStep } from '../optim-sgd.js';
import { randomArray } from '../test-support/random.js';
import { poolJobs, setThreads } from './config.js';
import { ELEMENTWISE_MIN } from './parallel.js';

afterAll(() => setThreads(1));

/** Uniform values in [-1, 1) of the dtype, seeded. */
const rand = (dt: DType, n: number, seed: number): FloatArray =>
  dt === 'f32' ? randomArray(Float32Array, n, seed) : randomArray(Float64Array, n, seed);
/** Above the crossover and not a multiple of 16, so the last chunk has a ragged end. */
const N = ELEMENTWISE_MIN + 1001;

/** Fresh p, g and `k` state arrays (state positive, as second moments are). */
function arrays(dt: DType, k: number, seed: number): WasmArray[] {
  const out = [fromArray(rand(dt, N, seed)), fromArray(rand(dt, N, seed + 1))];
  for (let i = 0; i < k; i++) out.push(fromArray(rand(dt, N, seed + 2 + i).map(Math.abs)));
  return out;
}

/** Runs `step` three times on fresh arrays with `threads` threads; returns every array's contents. */
function run(threads: number, dt: DType, k: number, step: (a: WasmArray[]) => unknown): FloatArray[] {
  setThreads(threads);
  const a = arrays(dt, k, 11);
  for (let i = 0; i < 3; i++) step(a);
  const out = a.map((x) => x.toArray());
  for (const x of a) x.free();
  return out;
}

function expectSameBits(one: FloatArray[], two: FloatArray[]): void {
  for (let j = 0; j < one.length; j++) {
    let diffs = 0;
    for (let i = 0; i < N; i++) if (!Object.is(one[j][i], two[j][i])) diffs++;
    expect(diffs, `array ${j}`).toBe(0);
  }
}

const adam = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  decay: 0.999,
  maximize: false,
  stepSize: 1e-3,
  invBias2Sqrt: 3.2,
};

describe('optimizer steps on threads', () => {
  for (const dt of ['f32', 'f64'] as const) {
    it(`${dt} Adam (and AMSGrad): 2 threads give the same bits as 1, and the pool ran them`, () => {
      for (const amsgrad of [false, true]) {
        const step = (a: WasmArray[]) =>
          expect(fusedAdamStep(a[0], a[1], a[2], a[3], amsgrad ? a[4] : null, { ...adam, amsgrad })).toBe(
            true,
          );
        const one = run(1, dt, 3, step);
        const jobs = poolJobs();
        const two = run(2, dt, 3, step);
        expect(poolJobs()).toBeGreaterThan(jobs);
        expectSameBits(one, two);
      }
    });
  }

  it('the finite flag is the AND of the chunks: a NaN in the second chunk makes Adam report false', () => {
    setThreads(2);
    const a = arrays('f32', 2, 5);
    a[1].data[N - 3] = Number.NaN; // in the last part's chunk
    const jobs = poolJobs();
    expect(fusedAdamStep(a[0], a[1], a[2], a[3], null, { ...adam, amsgrad: false })).toBe(false);
    expect(poolJobs()).toBe(jobs + 1);
    a[1].data[N - 3] = 0.5;
    a[1].data[7] = Number.POSITIVE_INFINITY; // in the caller's chunk
    expect(fusedAdamStep(a[0], a[1], a[2], a[3], null, { ...adam, amsgrad: false })).toBe(false);
    for (const x of a) x.free();
  });

  it('NAdam, SGD with momentum, Lion, centered RMSprop with momentum, Adagrad and Adadelta: 2 threads give the same bits as 1', () => {
    const steps: Array<[number, (a: WasmArray[]) => void]> = [
      [
        2,
        (a) =>
          fusedNAdamStep(a[0], a[1], a[2], a[3], {
            ...adam,
            bias2: 0.002,
            gradCoef: -1e-3,
            avgCoef: -9e-4,
          }),
      ],
      [
        1,
        (a) =>
          fusedSgdStep(a[0], a[1], a[2], {
            lr: 0.01,
            momentum: 0.9,
            dampening: 0.1,
            weightDecay: 1e-4,
            nesterov: true,
            maximize: false,
            first: false,
          }),
      ],
      [
        1,
        (a) =>
          fusedLionStep(a[0], a[1], a[2], {
            lr: 1e-4,
            beta1: 0.9,
            beta2: 0.99,
            weightDecay: 0.1,
            maximize: false,
          }),
      ],
      [
        3,
        (a) =>
          fusedRmspropStep(
            a[0],
            a[1],
            { squareAvg: a[2], gradAvg: a[3], momentumBuffer: a[4] },
            { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.9, maximize: false },
          ),
      ],
      [
        1,
        (a) =>
          fusedAdagradStep(a[0], a[1], a[2], { clr: 0.01, eps: 1e-10, weightDecay: 1e-3, maximize: false }),
      ],
      [
        2,
        (a) =>
          fusedAdadeltaStep(a[0], a[1], a[2], a[3], {
            lr: 1,
            rho: 0.9,
            eps: 1e-6,
            weightDecay: 0,
            maximize: true,
          }),
      ],
    ];
    for (const [k, step] of steps) expectSameBits(run(1, 'f32', k, step), run(2, 'f32', k, step));
  });
});
