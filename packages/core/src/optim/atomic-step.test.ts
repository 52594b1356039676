/**
 * step() is all or nothing, for every optimizer (table-driven): options written into a group after
 * construction are checked with the constructor's rules before the first write, a finite but
 * overflowing lr is undone, and running out of kernel memory mid-step changes nothing (a retry then
 * steps exactly once). "Nothing changed" = the parameters, the state dict and the step counter are
 * bit-identical to before the failed step.
 */
import { alloc, memoryStats, type WasmArray } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adadelta } from './adadelta.js';
import { Adafactor } from './adafactor.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { ASGD } from './asgd.js';
import { LBFGS } from './lbfgs.js';
import { Lion } from './lion.js';
import { Muon } from './muon.js';
import { NAdam } from './nadam.js';
import { NonFiniteStepError, type Optimizer, type ParamsInput } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { Rprop } from './rprop.js';
import { SGD } from './sgd.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
type Make = (params: ParamsInput<never>) => AnyOptimizer;

const OPTIMIZERS: Array<[string, Make]> = [
  ['SGD momentum nesterov', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
  ['Adam', (p) => new Adam(p, { lr: 0.1 })],
  ['Adam amsgrad', (p) => new Adam(p, { lr: 0.1, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.1 })],
  ['Adamax', (p) => new Adamax(p, { lr: 0.1 })],
  ['NAdam', (p) => new NAdam(p, { lr: 0.1 })],
  ['RAdam', (p) => new RAdam(p, { lr: 0.1 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
  ['RMSprop centered momentum', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adadelta', (p) => new Adadelta(p, { lr: 1 })],
  ['Rprop', (p) => new Rprop(p, { lr: 0.1 })],
  ['ASGD', (p) => new ASGD(p, { lr: 0.1, t0: 1 })],
  ['Lion', (p) => new Lion(p, { lr: 0.1, weightDecay: 0.1 })],
  ['Adafactor', (p) => new Adafactor(p, { lr: 0.1 })],
  ['Muon', (p) => new Muon(p, { lr: 0.1 })],
];

/** Two groups of 2 x 3 matrices (Muon takes only 2-D parameters), f64. */
function twoGroups(make: Make) {
  const ps = [0, 1, 2, 3].map((j) =>
    param(
      Float64Array.from({ length: 6 }, (_, i) => Math.sin(1.7 * i + j) + 0.1),
      {
        name: `p${j}`,
        shape: [2, 3],
      },
    ),
  );
  const opt = make([{ params: ps.slice(0, 2) }, { params: ps.slice(2) }] as unknown as ParamsInput<never>);
  return { opt, ps };
}

/** A gradient of magnitude 1..5 (so lr 1e308 overflows where the update scales with g). */
function fillGrads(ps: Param[]): void {
  for (const p of ps) for (let i = 0; i < p.length; i++) p.grad[i] = 3 * Math.cos(p.data[i] + i) + 2;
}

function steps(opt: AnyOptimizer, ps: Param[], k: number): void {
  for (let t = 0; t < k; t++) {
    fillGrads(ps);
    opt.step();
  }
}

/** Everything a failed step must leave as it was. */
function capture(opt: AnyOptimizer, ps: Param[]) {
  return {
    values: ps.map((p) => Array.from(p.data)),
    state: opt.stateDict(),
    stepsTaken: opt.stepsTaken,
    bytesInUse: memoryStats().bytesInUse,
  };
}

function expectUnchanged(opt: AnyOptimizer, ps: Param[], before: ReturnType<typeof capture>): void {
  const now = capture(opt, ps);
  now.values.forEach((v, j) => {
    expect(v.map((x, i) => Object.is(x, before.values[j][i])).every(Boolean), `p${j} unchanged`).toBe(true);
  });
  expect(now.state).toEqual(before.state);
  expect(now.stepsTaken).toBe(before.stepsTaken);
  expect(now.bytesInUse).toBe(before.bytesInUse);
}

const cases = OPTIMIZERS.flatMap(([name, make]) => [0, 2].map((warm) => [name, warm, make] as const));

describe('step() checks every group before the first write', () => {
  it.each(cases)(
    '%s after %i steps: paramGroups[1].lr = NaN throws and changes nothing',
    (_n, warm, make) => {
      const { opt, ps } = twoGroups(make);
      steps(opt, ps, warm);
      opt.paramGroups[1].lr = Number.NaN;
      fillGrads(ps);
      const before = capture(opt, ps);
      expect(() => opt.step()).toThrow(RangeError);
      expect(() => opt.step()).toThrow(/paramGroups\[1\]: Invalid learning rate: NaN/);
      expectUnchanged(opt, ps, before);
    },
  );

  const negatives = OPTIMIZERS.flatMap(([name, make]) =>
    ['lr', 'momentum', 'eps', 'weightDecay'].map((option) => [name, option, make] as const),
  );
  it.each(negatives)('%s: a negative %s set on a group is refused at step()', (_n, option, make) => {
    const { opt, ps } = twoGroups(make);
    if (typeof opt.paramGroups[1][option as 'lr'] !== 'number') return; // the optimizer has no such number
    steps(opt, ps, 1);
    (opt.paramGroups[1] as Record<string, unknown>)[option] = -1;
    fillGrads(ps);
    const before = capture(opt, ps);
    expect(() => opt.step()).toThrow(new RegExp(`paramGroups\\[1\\]: Invalid (${option}|learning rate)`));
    expectUnchanged(opt, ps, before);
  });

  it('a bad group stops the closure from being called at all', () => {
    const { opt, ps } = twoGroups(OPTIMIZERS[1][1]);
    opt.paramGroups[0].lr = -1;
    let calls = 0;
    expect(() =>
      opt.step(() => {
        calls++;
        return 0;
      }),
    ).toThrow(/paramGroups\[0\]: Invalid learning rate: -1/);
    expect(calls).toBe(0);
    expect(ps.length).toBe(4);
  });

  it('LBFGS checks its options at step() too', () => {
    const x = param(new Float64Array([1, 2]));
    const opt = new LBFGS([x]);
    opt.paramGroups[0].lr = Number.NaN;
    expect(() => opt.step(() => 0)).toThrow(/paramGroups\[0\]: Invalid learning rate: NaN/);
  });
});

describe('a finite but overflowing lr (1e308)', () => {
  it.each(cases)(
    '%s after %i steps: throws NonFiniteStepError with nothing changed, or steps and stays finite',
    (_n, warm, make) => {
      const { opt, ps } = twoGroups(make);
      steps(opt, ps, warm);
      opt.paramGroups[1].lr = 1e308;
      fillGrads(ps);
      const before = capture(opt, ps);
      let err: unknown;
      try {
        opt.step();
      } catch (e) {
        err = e;
      }
      if (err) {
        // the overflow seen in a parameter, or a step scalar the kernel refuses (lr / (1 - β1) = Inf)
        expect(err).toBeInstanceOf(RangeError);
        expect((err as Error).message).toMatch(/group 1, lr 1e\+308|paramGroups\[1\] \(lr 1e\+308\)/);
        expectUnchanged(opt, ps, before);
      } else {
        for (const p of ps) expect(p.data.every(Number.isFinite), p.name).toBe(true);
        expect(opt.stepsTaken).toBe(before.stepsTaken + 1);
      }
    },
  );

  it('overflows in the parameters for SGD (lr·g) and is undone with a NonFiniteStepError', () => {
    const { opt, ps } = twoGroups(OPTIMIZERS[0][1]);
    opt.paramGroups[1].lr = 1e308;
    fillGrads(ps);
    const before = capture(opt, ps);
    expect(() => opt.step()).toThrow(NonFiniteStepError);
    expect(() => opt.step()).toThrow(/would make p2 non-finite \(group 1, lr 1e\+308\)/);
    expectUnchanged(opt, ps, before);
  });

  it('with atomic: false, still throws on the overflow (never a silent NaN) but says the step was not undone', () => {
    const { opt, ps } = twoGroups((p) => new SGD(p, { lr: 0.1, momentum: 0.9, atomic: false }));
    expect(opt.atomic).toBe(false);
    opt.paramGroups[1].lr = 1e308;
    fillGrads(ps);
    const before = Array.from(ps[0].data);
    expect(() => opt.step()).toThrow(/p2 non-finite .*NOT undone \(atomic: false\)/);
    expect(Array.from(ps[0].data)).not.toEqual(before); // group 0 moved: no snapshot was kept
    expect(() => new SGD(ps, { atomic: 1 } as never)).toThrow(
      'Invalid atomic value: 1 (expected true or false)',
    );
  });

  it('overflows in a step scalar for Adam (lr / (1 - β1) = Inf), refused naming the group', () => {
    const { opt, ps } = twoGroups(OPTIMIZERS[1][1]);
    opt.paramGroups[1].lr = 1e308;
    fillGrads(ps);
    const before = capture(opt, ps);
    expect(() => opt.step()).toThrow(
      /Adam.step: paramGroups\[1\] \(lr 1e\+308\): Invalid stepSize: Infinity/,
    );
    expectUnchanged(opt, ps, before);
  });

  it.each(['fused', 'reference'] as const)(
    "overflows in Adam's second moment (g² = Inf, p stays finite) with impl %s: undone, naming the state",
    (impl) => {
      const { opt, ps } = twoGroups((p) => new Adam(p, { lr: 0.1, amsgrad: true, impl }));
      steps(opt, ps, 1);
      fillGrads(ps);
      ps[2].grad[4] = 1e200; // finite, but its square is not: v = Inf after group 0 has stepped
      const before = capture(opt, ps);
      expect(() => opt.step()).toThrow(NonFiniteStepError);
      expect(() => opt.step()).toThrow(/the state 'expAvgSq' of p2/);
      expectUnchanged(opt, ps, before);
    },
  );
});

/**
 * Uses every byte of kernel memory but a 48-byte hole (one state array of a 6-element f64
 * parameter), with growth made to fail: the step's first state array fits, the next one does not.
 */
function exhaustMemory(): () => void {
  const grow = WebAssembly.Memory.prototype.grow;
  const hole = alloc('f64', 6);
  WebAssembly.Memory.prototype.grow = () => {
    throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
  };
  const fillers: WasmArray[] = [];
  for (let bytes = memoryStats().bufferBytes; bytes >= 16; ) {
    try {
      fillers.push(alloc('f64', bytes / 8));
    } catch {
      bytes = Math.floor(bytes / 32) * 16;
    }
  }
  hole.free();
  return () => {
    WebAssembly.Memory.prototype.grow = grow;
    for (const f of fillers) f.free();
  };
}

describe('running out of kernel memory mid-step', () => {
  it.each(OPTIMIZERS)('%s: changes nothing, and a retry steps exactly once', (_n, make) => {
    const { opt, ps } = twoGroups(make);
    const twin = twoGroups(make);
    fillGrads(ps);
    fillGrads(twin.ps);
    const before = capture(opt, ps);
    const release = exhaustMemory();
    let failed = false;
    try {
      opt.step();
    } catch (e) {
      failed = true;
      expect(e).toBeInstanceOf(RangeError);
      expect((e as Error).message).toMatch(/Out of kernel memory|Maximum memory size exceeded/);
    }
    release();
    // Adagrad allocates its state in the constructor: its step needs no memory
    expect(failed).toBe(!(opt instanceof Adagrad));
    if (failed) {
      expectUnchanged(opt, ps, before);
      opt.step(); // the retry
    }
    twin.opt.step();
    ps.forEach((p, j) => {
      expect(Array.from(p.data)).toEqual(Array.from(twin.ps[j].data));
    });
    expect(opt.stateDict()).toEqual(twin.opt.stateDict());
  });
});
