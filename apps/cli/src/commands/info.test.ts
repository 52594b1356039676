import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { descent, expectRefused, json } from '../test-support/descent.js';

interface Info {
  version: string;
  node: string;
  threads: number;
  simd: string;
  sharedMemory: boolean;
  workersRunning: boolean;
  reason: string;
}

describe('descent info', () => {
  it.concurrent('reports the cores as threads by default, with the workers started', async () => {
    const info = json<Info>(await descent(['info', '--json'], { env: { DESCENT_THREADS: '' } }));
    const cores = Math.min(availableParallelism(), 8);
    expect(info.threads).toBe(cores);
    expect(info.workersRunning).toBe(cores > 1);
    expect(info.sharedMemory).toBe(true); // Node always shares kernel memory
    expect(['plain', 'relaxed']).toContain(info.simd);
    expect(info.node).toBe(process.versions.node);
    expect(info.reason).toMatch(/availableParallelism/);
  });

  it.concurrent('honours DESCENT_THREADS, and --threads over it', async () => {
    const [env, flag] = await Promise.all([
      descent(['info', '--json'], { env: { DESCENT_THREADS: '1' } }),
      descent(['info', '--json', '--threads', '2'], { env: { DESCENT_THREADS: '1' } }),
    ]);
    expect(json<Info>(env)).toMatchObject({ threads: 1, workersRunning: false });
    expect(json<Info>(env).reason).toMatch(/DESCENT_THREADS=1/);
    expect(json<Info>(flag)).toMatchObject({ threads: 2, workersRunning: true });
  });

  it.concurrent('prints the backend as a table', async () => {
    const r = await descent(['info', '--threads', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^descent \d+\.\d+\.\d+ on Node /);
    expect(r.stdout).toMatch(/^threads {8}1$/m);
    expect(r.stdout).toMatch(/^simd {11}(plain|relaxed)/m);
    expect(r.stdout).toMatch(/^shared memory {2}yes$/m);
  });

  it.concurrent('refuses a bad thread count from the flag or the environment', async () => {
    const [zero, many, env] = await Promise.all([
      descent(['info', '--threads', '0']),
      descent(['info', '--threads', '65']),
      descent(['info'], { env: { DESCENT_THREADS: 'two' } }),
    ]);
    expectRefused(zero, /Invalid value for --threads: "0" \(expected an integer >= 1\)/);
    expectRefused(many, /Invalid value for --threads: 65 \(expected an integer from 1 to 64\)/);
    expectRefused(env, /Invalid DESCENT_THREADS: two/);
  });
});

describe('--threads on the commands that compute', () => {
  it.concurrent('train gives the same history on 1 and 2 threads (batch 256, above the crossover)', async () => {
    const args = ['train', '--data', 'digits', '--layers', '128,128', '--batch-size', '256', '--epochs', '2'];
    const [one, two] = await Promise.all([
      descent([...args, '--json', '--threads', '1']),
      descent([...args, '--json', '--threads', '2']),
    ]);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    // every loss, accuracy and gradient norm to the last bit (JSON prints doubles exactly)
    expect(two.stdout).toBe(one.stdout);
  });

  it.concurrent('bench says how many threads its kernels ran on', async () => {
    const r = await descent(['bench', '--budget', '0.01', '--threads', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Kernels: 1 thread \(.*\), (plain|relaxed) SIMD; see descent info\.$/m);
  });

  it.concurrent('is offered by run, compare, analyze, train, eval, predict and bench', async () => {
    const helps = await Promise.all(
      ['run', 'compare', 'analyze', 'train', 'eval', 'predict', 'bench'].map((c) => descent([c, '--help'])),
    );
    for (const h of helps) expect(h.stdout).toContain('--threads <n>');
  });
});
