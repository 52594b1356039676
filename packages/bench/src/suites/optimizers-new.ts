/**
 * Step throughput of the optimizers past torch.optim, f32, on one parameter of 1e6 elements with a
 * fixed gradient: descent's class step() on the fused kernels (ours; includes the non-finite
 * gradient check and the atomic snapshot) vs the same class on its plain TypeScript reference path
 * (impl: 'reference'). Schedule-free SGD/AdamW, Prodigy, D-Adaptation Adam, ADOPT, AdEMAMix, LAMB,
 * LARS, Sophia (no Hessian updates timed), Adan, and the memory-light Adams (Adam8bit, AdamW8bit:
 * 8-bit blockwise moments; AdamBf16, AdamWBf16: bf16 moments). No peer runs these in JavaScript; no
 * targets were set, the ratios are reported. OPTIMIZERS_NEW=AdamW8bit,AdamWBf16 times only those.
 */
import {
  ADOPT,
  Adam8bit,
  AdamBf16,
  AdamW8bit,
  AdamWBf16,
  Adan,
  AdEMAMix,
  DAdaptAdam,
  LAMB,
  LARS,
  type Optimizer,
  Prodigy,
  param,
  ScheduleFreeAdamW,
  ScheduleFreeSGD,
  Sophia,
} from '@descent/core';
import { report, time } from '../harness.js';
import { randomF32 } from '../random.js';

const N = 1e6;

type Impl = 'fused' | 'reference';
const MAKERS: Record<string, (p: never, impl: Impl) => Optimizer<{ lr: number }>> = {
  ScheduleFreeSGD: (p, impl) => new ScheduleFreeSGD(p, { lr: 1e-3, impl }) as never,
  ScheduleFreeAdamW: (p, impl) => new ScheduleFreeAdamW(p, { impl }) as never,
  Prodigy: (p, impl) => new Prodigy(p, { impl }) as never,
  DAdaptAdam: (p, impl) => new DAdaptAdam(p, { impl }) as never,
  ADOPT: (p, impl) => new ADOPT(p, { impl }) as never,
  AdEMAMix: (p, impl) => new AdEMAMix(p, { impl }) as never,
  LAMB: (p, impl) => new LAMB(p, { weightDecay: 0.01, impl }) as never,
  LARS: (p, impl) => new LARS(p, { weightDecay: 1e-4, impl }) as never,
  Sophia: (p, impl) => new Sophia(p, { impl }) as never,
  Adan: (p, impl) => new Adan(p, { weightDecay: 0.02, impl }) as never,
  Adam8bit: (p, impl) => new Adam8bit(p, { impl }) as never,
  AdamW8bit: (p, impl) => new AdamW8bit(p, { impl }) as never,
  AdamBf16: (p, impl) => new AdamBf16(p, { impl }) as never,
  AdamWBf16: (p, impl) => new AdamWBf16(p, { impl }) as never,
};

/**
 * Steps between restarts from x0 (default 1,000). Under a constant gradient the distance estimate d
 * of Prodigy and D-Adaptation grows without bound and the f32 state overflows (measured: Prodigy's
 * s at step 57, D-Adaptation's d at step 49; the non-finite check then throws), so these two
 * restart every 30 steps (copying x0 and clearing the state: about 1-2% of their steps' time).
 */
const RESTART: Record<string, number> = { Prodigy: 30, DAdaptAdam: 30 };

async function timeStep(name: string, impl: Impl, x0: Float32Array, g0: Float32Array) {
  const p = param(x0.slice());
  p.grad.set(g0);
  const opt = MAKERS[name]([p] as never, impl);
  // restart from x0 every so often, so a constant gradient cannot drive the run to overflow
  const every = RESTART[name] ?? 1000;
  let k = 0;
  const t = await time(
    `descent ${name} ${impl === 'fused' ? 'step() (fused)' : '(reference path)'}`,
    () => {
      if (++k % every === 0) {
        p.data.set(x0);
        opt.resetState();
      }
      opt.step();
    },
    impl === 'reference' ? { samples: 5 } : {},
  );
  opt.free();
  p.free();
  return t;
}

export async function run(): Promise<void> {
  const x0 = randomF32(N, 1);
  const g0 = randomF32(N, 2);
  const only = process.env.OPTIMIZERS_NEW?.split(',').filter(Boolean);
  for (const name of Object.keys(MAKERS)) {
    if (only && !only.includes(name)) continue;
    const ours = await timeStep(name, 'fused', x0, g0);
    report(`${name} step, n = ${N} (f32)`, ours, [await timeStep(name, 'reference', x0, g0)]);
  }
}
