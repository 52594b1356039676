import { afterAll, describe, expect, it } from 'vitest';
import { alloc, fromArray, memoryStats } from '../arena.js';
import { rawKernel } from '../exports.js';
import { gemm } from '../gemm.js';
import { indexSelect } from '../index-ops.js';
import { matrixFrom, type WasmMatrix } from '../matrix.js';
import { biasAdd, columnSums, relu, reluBackward } from '../nn.js';
import { qr } from '../qr.js';
import { softmaxCrossEntropy } from '../softmax.js';
import { randomArray } from '../test-support/random.js';
import { poolJobs, setThreads } from './config.js';
import { type KernelProgram, recordedCalls, recordKernels, runKernelPrograms } from './program.js';

afterAll(() => setThreads(1));

/** One dense + ReLU + softmax cross-entropy step on a shard: forward, loss, backward into dW, db. */
interface Shard {
  X: WasmMatrix;
  W: WasmMatrix;
  b: ReturnType<typeof alloc<'f32'>>;
  labels: ReturnType<typeof alloc<'f32'>>;
  Y: WasmMatrix;
  dY: WasmMatrix;
  dW: WasmMatrix;
  db: ReturnType<typeof alloc<'f32'>>;
}

function shard(rows: number, seed: number, W: WasmMatrix, b: Shard['b']): Shard {
  const labels = alloc('f32', rows);
  for (let i = 0; i < rows; i++) labels.data[i] = (i * 7 + seed) % 10;
  return {
    X: matrixFrom(rows, 64, randomArray(Float32Array, rows * 64, seed)),
    W,
    b,
    labels,
    Y: matrixFrom(rows, 10, new Float32Array(rows * 10)),
    dY: matrixFrom(rows, 10, new Float32Array(rows * 10)),
    dW: matrixFrom(10, 64, new Float32Array(640)),
    db: alloc('f32', 10),
  };
}

/** The step's calls; returns the mean loss (0 while recording). */
function step(s: Shard): number {
  gemm(s.X, s.W, s.Y, { transB: true });
  biasAdd(s.Y, s.b);
  relu(s.Y.data, s.Y.data);
  const loss = softmaxCrossEntropy(s.Y, s.labels, s.dY);
  reluBackward(s.Y.data, s.dY.data, s.dY.data);
  gemm(s.dY, s.X, s.dW, { transA: true });
  columnSums(s.dY, s.db);
  return loss;
}

const bits = (s: Shard) => [...s.Y.data.data, ...s.dY.data.data, ...s.dW.data.data, ...s.db.data];

function shards(n: number): Shard[] {
  const W = matrixFrom(10, 64, randomArray(Float32Array, 640, 99));
  const b = fromArray(randomArray(Float32Array, 10, 98));
  return Array.from({ length: n }, (_, i) => shard(48 + 16 * i, i + 1, W, b));
}

function record(s: Shard): { program: KernelProgram; lossOp: number } {
  let lossOp = -1;
  const program = recordKernels(() => {
    gemm(s.X, s.W, s.Y, { transB: true });
    biasAdd(s.Y, s.b);
    relu(s.Y.data, s.Y.data);
    lossOp = recordedCalls();
    softmaxCrossEntropy(s.Y, s.labels, s.dY);
    reluBackward(s.Y.data, s.dY.data, s.dY.data);
    gemm(s.dY, s.X, s.dW, { transA: true });
    columnSums(s.dY, s.db);
  });
  return { program, lossOp };
}

describe('kernel programs', () => {
  it('record the calls without running them, and a run gives the direct calls bit for bit', () => {
    const direct = shards(1)[0];
    const loss = step(direct);
    const s = shards(1)[0];
    const { program, lossOp } = record(s);
    expect(program.calls).toEqual([
      'gemm_f32',
      'biasAdd_f32',
      'relu_f32',
      'softmaxCrossEntropy_f32',
      'reluBackward_f32',
      'gemm_f32',
      'columnSums_f32',
    ]);
    expect(s.dW.data.data.every((v) => v === 0)).toBe(true); // nothing ran while recording
    expect(program.result(lossOp)).toBeNaN(); // no result before a run
    program.run();
    expect(bits(s)).toEqual(bits(direct));
    expect(program.result(lossOp)).toBe(loss);
    expect(loss).toBeGreaterThan(0);
    program.free();
  });

  it('run on 2 threads, each program on one thread, with the results of 1 thread bit for bit', () => {
    const outs = [1, 2].map((threads) => {
      setThreads(threads);
      const ss = shards(5);
      const recorded = ss.map(record);
      const jobs = poolJobs();
      runKernelPrograms(recorded.map((r) => r.program));
      if (threads === 2) expect(poolJobs()).toBe(jobs + 1);
      const out = ss.map((s, i) => [...bits(s), recorded[i].program.result(recorded[i].lossOp)]);
      for (const r of recorded) r.program.free();
      return out;
    });
    expect(outs[1]).toEqual(outs[0]);
    // and each equals the calls made directly
    const direct = shards(5).map((s) => [...bits((step(s), s)), step(s)]);
    expect(outs[0].map((o) => o.slice(0, -1))).toEqual(direct.map((d) => d.slice(0, -1)));
  });

  it('refuse a kernel that cannot be recorded, leaving nothing allocated', () => {
    const A = matrixFrom(4, 4, new Float64Array([4, 1, 0, 0, 1, 4, 1, 0, 0, 1, 4, 1, 0, 0, 1, 4]));
    const before = memoryStats().bytesInUse;
    expect(() => recordKernels(() => qr(A as WasmMatrix<'f64'>))).toThrow(/cannot be recorded/);
    expect(() => recordKernels(() => rawKernel('gemm_f32'))).toThrow(/cannot be recorded/);
    expect(memoryStats().bytesInUse).toBe(before);
  });

  it('record indexSelect: the indices are read when the program runs, and a bad one writes nothing', () => {
    for (const dt of ['f32', 'f64'] as const) {
      const V = 9;
      const values = Float64Array.from({ length: V * 3 }, (_, i) => i + 0.5);
      const x = dt === 'f32' ? fromArray(Float32Array.from(values)) : fromArray(values);
      const idx = alloc(dt, 4);
      const out = alloc(dt, 12);
      let op = -1;
      const p = recordKernels(() => {
        op = recordedCalls();
        indexSelect(x, 1, V, 3, idx, out); // idx holds zeros now: recording reads nothing
      });
      expect(p.calls).toEqual([`indexSelectChecked_${dt}`]);
      idx.data.set([8, 0, 3, 3]);
      p.run();
      expect(p.result(op)).toBe(0);
      expect([...out.data]).toEqual([8, 0, 3, 3].flatMap((r) => [3 * r + 0.5, 3 * r + 1.5, 3 * r + 2.5]));
      const before = [...out.data];
      idx.data.set([1, 2, 9, 0]); // 9 is out of [0, 9)
      p.run();
      expect(p.result(op)).toBe(3); // j + 1 for indices[2]
      expect([...out.data]).toEqual(before);
      for (const a of [x, idx, out]) a.free();
      p.free();
    }
  });

  it('refuse a nested recording; the wrappers run the kernels again once a recording ends', () => {
    const s = shards(1)[0];
    let late: (() => void) | undefined;
    const p = recordKernels(() => {
      late = () => gemm(s.X, s.W, s.Y, { transB: true });
      expect(() => recordKernels(() => {})).toThrow(/already in progress/);
    });
    // the wrapper fetches the real kernel again once the recording is over
    late?.();
    expect(s.Y.data.data.some((v) => v !== 0)).toBe(true);
    expect(() => p.result(0)).toThrow(/Invalid op/);
    p.free();
  });
});
