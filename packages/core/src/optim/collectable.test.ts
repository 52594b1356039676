/**
 * Forgotten optimizers and parameters are collectable: nothing in the library keeps them alive, so
 * the garbage collector returns their kernel memory through the arena's FinalizationRegistry. A
 * loop that builds a parameter and an Adam optimizer (with state) per iteration and never calls
 * free() stays bounded when the collector runs. The fast variant makes 500 optimizers; the slow
 * one (DESCENT_SLOW=1) makes the 5,000 of the issue. `free()` returns the memory at once.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { memoryStats } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adam } from './adam.js';
import { LBFGS } from './lbfgs.js';
import { SGD } from './sgd.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Collects garbage and lets the FinalizationRegistry callbacks run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 0));
  }
}

const N = 10_000; // f64 elements: value, grad, expAvg, expAvgSq = 320 KB per iteration

async function churn(iterations: number): Promise<number> {
  await collect();
  const start = memoryStats().bytesInUse;
  let peak = 0;
  for (let i = 0; i < iterations; i++) {
    const w = param(new Float64Array(N).fill(1));
    const opt = new Adam([w], { lr: 0.01 });
    w.grad.fill(0.5);
    opt.step();
    if (i % 50 === 49) {
      await collect();
      peak = Math.max(peak, memoryStats().bytesInUse - start);
    }
  }
  await collect();
  return Math.max(peak, memoryStats().bytesInUse - start);
}

describe('forgotten optimizers and parameters are collectable', () => {
  const bound = 60 * 4 * 8 * N; // what 60 live iterations hold

  it('500 Adam optimizers without free() stay bounded when the collector runs', async () => {
    expect(await churn(500)).toBeLessThan(bound);
  });

  it.runIf(process.env.DESCENT_SLOW === '1')(
    '5,000 Adam optimizers without free() stay bounded (the issue’s loop)',
    async () => {
      expect(await churn(5000)).toBeLessThan(bound);
    },
    120_000,
  );

  it('free() returns the state at once and makes the optimizer unusable', () => {
    const w = param(new Float64Array(N));
    const opt = new Adam([w]);
    opt.step();
    const before = memoryStats().bytesInUse;
    opt.free();
    expect(memoryStats().bytesInUse).toBe(before - 2 * 8 * N);
    expect(opt.freed).toBe(true);
    expect(() => opt.step()).toThrow('Adam used after free()');
    expect(w.data.length).toBe(N); // the parameter is the model's, still alive
    const lbfgs = new LBFGS([w]);
    lbfgs.free();
    expect(() => lbfgs.step(() => 0)).toThrow('LBFGS used after free()');
    const sgd = new SGD([w], { momentum: 0.9 });
    sgd.free();
    expect(() => sgd.step()).toThrow(/used after free/);
    w.free();
  });
});
