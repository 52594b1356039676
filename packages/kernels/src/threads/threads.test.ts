import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alloc, fromArray, growMemory, memoryStats } from '../arena.js';
import { gemm, kScratch, scratchFor } from '../gemm.js';
import { matrixFrom } from '../matrix.js';
import { randomArray } from '../test-support/random.js';
import { backendInfo, currentPool, setThreads, threadCount, threadsReady } from './config.js';
import { partScratch, splitRows } from './parallel.js';

afterAll(() => setThreads(1));

describe('setThreads', () => {
  it('rejects a non-integer, zero, a negative count, NaN, a string and more than 64, naming the value', () => {
    for (const bad of [1.5, 0, -2, Number.NaN, '2', 65]) {
      expect(() => setThreads(bad as number)).toThrow(RangeError);
      expect(() => setThreads(bad as number)).toThrow(`Invalid threads: ${String(bad)}`);
    }
  });

  it('leaves the setting unchanged after a rejected value', () => {
    setThreads(2);
    expect(() => setThreads(0)).toThrow(RangeError);
    expect(backendInfo().threads).toBe(2);
  });

  it('resizes the pool: the next threaded call runs on a pool of the new size', async () => {
    setThreads(3);
    await threadsReady();
    expect(currentPool()?.size).toBe(3);
    setThreads(2);
    expect(currentPool()).toBeUndefined();
    await threadsReady();
    expect(currentPool()?.size).toBe(2);
    expect(backendInfo().workersRunning).toBe(true);
    const pool = currentPool();
    setThreads(1); // keeps the idle pool for a way back
    setThreads(2);
    expect(currentPool()).toBe(pool);
  });
});

describe('a worker that stops', () => {
  it('sends later jobs to one thread, says why in backendInfo, and setThreads starts a new pool', async () => {
    setThreads(2);
    await threadsReady();
    const pool = currentPool();
    await pool?.killWorker(1);
    await new Promise((r) => setTimeout(r, 100)); // the exit event
    expect(threadCount()).toBe(1);
    expect(currentPool()).toBeUndefined();
    expect(backendInfo().reason).toMatch(/worker 1 exited .*one thread/);
    // a product above the crossover still comes out right (against a naive one)
    const [m, n, k] = [160, 130, 70];
    const a = randomArray(Float64Array, m * k, 1);
    const b = randomArray(Float64Array, k * n, 2);
    const C = matrixFrom(m, n, new Float64Array(m * n));
    gemm(matrixFrom(m, k, a), matrixFrom(k, n, b), C);
    let worst = 0;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += a[i * k + l] * b[l * n + j];
        worst = Math.max(worst, Math.abs(C.data.data[i * n + j] - s));
      }
    expect(worst).toBeLessThan(1e-12);
    setThreads(2);
    await threadsReady();
    expect(threadCount()).toBe(2);
    expect(currentPool()).not.toBe(pool);
  });
});

describe('backendInfo', () => {
  it('reports threads, the SIMD build, shared memory (always in Node) and why', () => {
    setThreads(2);
    const info = backendInfo();
    expect(info.threads).toBe(2);
    expect(['plain', 'relaxed']).toContain(info.simd);
    expect(info.sharedMemory).toBe(true);
    expect(info.crossOriginIsolated).toBeUndefined(); // a browser-only field
    expect(info.reason).toMatch(/^threads: setThreads\(2\); simd: /);
    setThreads(1);
    expect(backendInfo().threads).toBe(1);
  });
});

describe('splitRows', () => {
  it('gives whole 4-row tiles to every part but the last, covering every row once', () => {
    expect(splitRows(70, 3)).toEqual([
      [0, 24],
      [24, 48],
      [48, 70],
    ]);
    expect(splitRows(8, 2)).toEqual([
      [0, 4],
      [4, 8],
    ]);
  });
});

describe('the arena with workers', () => {
  const [m, n, k] = [256, 256, 256];
  const a = randomArray(Float32Array, m * k, 1);
  const b = randomArray(Float32Array, k * n, 2);

  /** C = A B on one thread, as the reference. */
  function reference(): Float32Array {
    setThreads(1);
    const A = matrixFrom(m, k, a);
    const B = matrixFrom(k, n, b);
    const C = matrixFrom(m, n, new Float32Array(m * n));
    gemm(A, B, C);
    const out = C.data.toArray() as Float32Array;
    for (const x of [A, B, C]) x.data.free();
    return out;
  }

  it('grows memory while a worker runs its part of a job, and the result is unchanged', async () => {
    const want = reference();
    setThreads(2);
    await threadsReady();
    const A = fromArray(a);
    const B = fromArray(b);
    const C = alloc('f32', m * n);
    const need = kScratch('f32')(m, n, k);
    const s0 = scratchFor('f32', need);
    const s1 = partScratch('f32', 1, need);
    const before = memoryStats().bufferBytes;
    const pool = currentPool()!;
    const [r0, r1] = splitRows(m, 2)[1];
    const args = [0, 0, m, n, k, 1, A.ptr, B.ptr, 0, C.ptr];
    // A worker computes a part while this thread grows memory by 64 MiB; this thread then waits
    // until the worker has finished that part, so the job surely ran on both threads.
    const workerParts = pool.workerParts;
    pool.run(
      'gemm_rows_f32',
      [
        [...args, s0.ptr, 0, r0],
        [...args, s1.ptr, r0, r1],
      ],
      () => {
        growMemory(64 << 20);
        const end = performance.now() + 20000;
        while (pool.partsDone() < 1 && performance.now() < end);
      },
    );
    expect(pool.workerParts).toBeGreaterThan(workerParts);
    expect(memoryStats().bufferBytes).toBeGreaterThan(before);
    expect(C.toArray()).toEqual(want);
    for (const x of [A, B, C]) x.free();
  });

  it('a job after growth reaches the new pages from the workers', async () => {
    const want = reference();
    setThreads(2);
    await threadsReady();
    const before = memoryStats().bufferBytes;
    // Larger than all free space: memory grows, and the block's tail lies in the new pages.
    const mn = m * n; // A, B and C are each m n elements here (m = n = k)
    const big = alloc('f32', Math.ceil(memoryStats().freeBytes / 4) + 3 * mn + 1024);
    const off = Math.floor((big.length - 3 * mn - 16) / 16) * 16; // element offset of A
    const at = (i: number) => big.ptr + (off + i * mn) * 4;
    expect(at(0)).toBeGreaterThanOrEqual(before);
    big.data.set(a, off);
    big.data.set(b, off + mn);
    const need = kScratch('f32')(m, n, k);
    const scratch = [scratchFor('f32', need).ptr, partScratch('f32', 1, need).ptr];
    const args = [0, 0, m, n, k, 1, at(0), at(1), 0, at(2)];
    currentPool()!.run(
      'gemm_rows_f32',
      splitRows(m, 2).map(([r0, r1], i) => [...args, scratch[i], r0, r1]),
    );
    expect(big.data.slice(off + 2 * mn, off + 3 * mn)).toEqual(want);
    big.free();
  });
});

describe('process exit', () => {
  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

  it.skipIf(!existsSync(dist))('a Node process with a running pool exits by itself', () => {
    const script = `
      import { setThreads, threadsReady, backendInfo, gemm, matrixFrom } from ${JSON.stringify(dist)};
      setThreads(2);
      await threadsReady();
      const a = matrixFrom(128, 128, new Float32Array(128 * 128).fill(1));
      const c = matrixFrom(128, 128, new Float32Array(128 * 128));
      gemm(a, a, c);
      console.log(JSON.stringify({ workers: backendInfo().workersRunning, c: c.data.data[0] }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20000,
      encoding: 'utf8',
    });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ workers: true, c: 128 });
  });

  it.skipIf(!existsSync(dist))(
    'a small program never starts a worker: the first call above the crossover does',
    () => {
      const script = `
      import { backendInfo, fromArray, fusedAdamStep, gemm, matrixFrom } from ${JSON.stringify(dist)};
      const started = [];
      const small = matrixFrom(64, 64, new Float32Array(64 * 64).fill(1));
      gemm(small, small, matrixFrom(64, 64, new Float32Array(64 * 64)));
      const v = () => fromArray(new Float32Array(1000).fill(0.5));
      fusedAdamStep(v(), v(), v(), v(), null, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decay: 1,
        maximize: false, stepSize: 1e-3, invBias2Sqrt: 1, amsgrad: false });
      started.push(backendInfo().workersRunning);
      const big = matrixFrom(128, 128, new Float32Array(128 * 128).fill(1));
      gemm(big, big, matrixFrom(128, 128, new Float32Array(128 * 128)));
      started.push(backendInfo().workersRunning);
      console.log(JSON.stringify({ threads: backendInfo().threads, started }));
    `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        timeout: 20000,
        encoding: 'utf8',
        env: { ...process.env, DESCENT_THREADS: '2' },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ threads: 2, started: [false, true] });
    },
  );

  it.skipIf(!existsSync(dist))(
    'the relaxed-SIMD build on threads: workers run the same build, the same bits as 1 thread',
    () => {
      const script = `
      import * as K from ${JSON.stringify(dist)};
      const n = 200;
      const A = K.matrixFrom(n, n, Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)));
      const C = [0, 1].map(() => K.matrixFrom(n, n, new Float32Array(n * n)));
      K.setThreads(2);
      K.gemm(A, A, C[0]);
      const info = K.backendInfo();
      K.setThreads(1);
      K.gemm(A, A, C[1]);
      const same = C[0].data.data.every((v, i) => Object.is(v, C[1].data.data[i]));
      console.log(JSON.stringify({ simd: info.simd, workers: info.workersRunning, same }));
    `;
      const flags =
        Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
      const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
        timeout: 20000,
        encoding: 'utf8',
        env: { ...process.env, DESCENT_SIMD: 'relaxed' },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ simd: 'relaxed', workers: true, same: true });
    },
  );

  /** backendInfo() (or the error) in a fresh Node process with DESCENT_THREADS=value. */
  function withEnv(value: string): { info?: { threads: number; reason: string }; error?: string } {
    const script = `
      import { backendInfo } from ${JSON.stringify(dist)};
      try { console.log(JSON.stringify({ info: backendInfo() })); }
      catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20000,
      encoding: 'utf8',
      env: { ...process.env, DESCENT_THREADS: value },
    });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  }

  it.skipIf(!existsSync(dist))(
    'DESCENT_THREADS sets the default thread count and is named as the reason',
    () => {
      const { info } = withEnv('3');
      expect(info?.threads).toBe(3);
      expect(info?.reason).toMatch(/^threads: DESCENT_THREADS=3;/);
    },
  );

  it.skipIf(!existsSync(dist))(
    'an invalid DESCENT_THREADS is a RangeError naming the variable and its value',
    () => {
      for (const bad of ['two', '0', '1.5']) {
        expect(withEnv(bad).error).toBe(
          `RangeError: Invalid DESCENT_THREADS: ${bad} (expected an integer from 1 to 64)`,
        );
      }
    },
  );
});
