/**
 * A property-based sweep (fast-check) over option values written into `paramGroups` between steps
 * (what schedulers and users do), for every optimizer: a run builds the optimizer over two groups,
 * takes two sane steps, then writes a sequence of values into options of its groups, stepping after
 * each write. The values are hostile (NaN, ±Infinity, -0, negatives, 0, 1e-300, 1e308, any double,
 * huge integers, strings, null, booleans, arrays of any length). The property, after every write:
 *
 *   the step throws and nothing changed (parameters, state dict, step counter),
 *   or it steps and every parameter and state value is finite.
 *
 * Seeded per optimizer, so a failure reproduces (fast-check prints the seed and the shrunk
 * counterexample). Here 15 runs of up to 5 writes per optimizer (in `pnpm test`); DESCENT_SLOW=1 runs
 * 200 runs of up to 8 writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adadelta } from './adadelta.js';
import { Adafactor } from './adafactor.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { Adan } from './adan.js';
import { AdEMAMix } from './ademamix.js';
import { ADOPT } from './adopt.js';
import { ASGD } from './asgd.js';
import { DAdaptAdam } from './dadapt-adam.js';
import { LAMB } from './lamb.js';
import { LARS } from './lars.js';
import { Lion } from './lion.js';
import { Lookahead } from './lookahead.js';
import { Muon } from './muon.js';
import { NAdam } from './nadam.js';
import type { ParamsInput } from './optimizer.js';
import { Prodigy } from './prodigy.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { Rprop } from './rprop.js';
import { ScheduleFreeAdamW, ScheduleFreeSGD } from './schedule-free.js';
import { SGD } from './sgd.js';
import { Shampoo } from './shampoo.js';
import { SOAP } from './soap.js';
import { Sophia } from './sophia.js';

/** What the sweep needs of an optimizer (Lookahead is a wrapper, not an Optimizer subclass). */
interface Steppable {
  paramGroups: Array<Record<string, unknown>>;
  optionNames: readonly string[];
  step(): unknown;
  stateDict(): unknown;
  stepsTaken: number;
  /** Runs between writes with sane options (Sophia's Hessian refresh). */
  between?: () => void;
  free(): void;
}
type Make = (params: ParamsInput<never>) => Steppable;

/** H = diag(1 + i mod 3) on every parameter: the quadratic's Hessian-vector product. */
const quadraticHvp = (probes: ArrayLike<number>[]) =>
  probes.map((u) => Float64Array.from(u, (x, i) => (1 + (i % 3)) * x));

const OPTIMIZERS: Array<[string, Make]> = [
  ['SGD', (p) => new SGD(p, { lr: 0.05, momentum: 0.9 })],
  ['Adam', (p) => new Adam(p, { lr: 0.05, amsgrad: true })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.05 })],
  ['Adamax', (p) => new Adamax(p, { lr: 0.05 })],
  ['NAdam', (p) => new NAdam(p, { lr: 0.05 })],
  ['RAdam', (p) => new RAdam(p, { lr: 0.05 })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.05 })],
  ['RMSprop', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adadelta', (p) => new Adadelta(p, { lr: 1 })],
  ['Rprop', (p) => new Rprop(p, { lr: 0.05 })],
  ['ASGD', (p) => new ASGD(p, { lr: 0.05, t0: 2 })],
  ['Lion', (p) => new Lion(p, { lr: 0.05 })],
  ['Adafactor', (p) => new Adafactor(p, { lr: 0.05 })],
  ['Muon', (p) => new Muon(p, { lr: 0.05 })],
  ['ScheduleFreeSGD', (p) => new ScheduleFreeSGD(p, { lr: 0.05 })],
  ['ScheduleFreeAdamW', (p) => new ScheduleFreeAdamW(p, { lr: 0.05 })],
  ['Prodigy', (p) => new Prodigy(p)],
  ['DAdaptAdam', (p) => new DAdaptAdam(p)],
  ['ADOPT', (p) => new ADOPT(p, { lr: 0.05 })],
  ['AdEMAMix', (p) => new AdEMAMix(p, { lr: 0.05 })],
  ['LAMB', (p) => new LAMB(p, { lr: 0.05 })],
  ['LARS', (p) => new LARS(p, { lr: 0.05 })],
  ['Adan', (p) => new Adan(p, { lr: 0.05 })],
  ['Shampoo', (p) => new Shampoo(p, { lr: 0.05 })],
  ['SOAP', (p) => new SOAP(p, { lr: 0.05 })],
  [
    'Sophia',
    (p) => {
      const opt = new Sophia(p, { lr: 0.05 });
      return Object.assign(opt, { between: () => opt.updateHessian(quadraticHvp) });
    },
  ],
  [
    'Lookahead(Adam)',
    (p) => {
      const inner = new Adam(p, { lr: 0.05 });
      const la = new Lookahead(inner, { k: 2 });
      return {
        paramGroups: la.paramGroups as Steppable['paramGroups'],
        optionNames: inner.optionNames,
        step: () => la.step(),
        stateDict: () => la.stateDict(),
        free: () => la.free(),
        get stepsTaken() {
          return inner.stepsTaken;
        },
      };
    },
  ],
];

/** Values a scheduler bug or a user could write into an option. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    -1,
    -1e-300,
    0,
    1e-300,
    0.5,
    0.999,
    1,
    2,
    1e10,
    1e308,
    '0.1',
    null,
    undefined,
    true,
    false,
    [0.9, 0.999],
    [1.5, 0.9],
    [0.9, 0.999, 0.9999],
  ),
  fc.double(),
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.integer({ min: -5, max: 1_000_000 }),
  fc.array(fc.oneof(fc.double(), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 4 }),
  fc.string({ maxLength: 3 }),
);

/** One write: which group, which option (an index into optionNames), which value. */
const write = fc.record({ group: fc.integer({ min: 0, max: 1 }), option: fc.nat(), value: hostileValue });

function fillGrads(ps: Param[]): void {
  for (const p of ps) for (let i = 0; i < p.length; i++) p.grad[i] = 3 * Math.cos(p.data[i] + i) + 0.5;
}

/** Every number and typed-array element of a state dict's state (not its groups), in order. */
function stateNumbers(sd: unknown, out: number[] = []): number[] {
  if (typeof sd === 'number') out.push(sd);
  else if (ArrayBuffer.isView(sd)) out.push(...Array.from(sd as Float64Array));
  else if (Array.isArray(sd)) for (const v of sd) stateNumbers(v, out);
  else if (sd && typeof sd === 'object') {
    // the groups hold the written option itself: only the state must be finite
    for (const [k, v] of Object.entries(sd)) if (k !== 'paramGroups') stateNumbers(v, out);
  }
  return out;
}

const SLOW = process.env.DESCENT_SLOW === '1';
const numRuns = SLOW ? 200 : 15;
const maxWrites = SLOW ? 8 : 5;

describe('options written into a group between steps: throws with nothing changed, or stays finite', () => {
  it.each(OPTIMIZERS.map(([n, make], i) => [n, make, i] as const))(
    '%s',
    (_n, make, index) => {
      let threw = 0;
      let stepped = 0;
      fc.assert(
        fc.property(fc.array(write, { minLength: 1, maxLength: maxWrites }), (writes) => {
          const ps = [0, 1, 2, 3].map((j) =>
            param(
              Float64Array.from({ length: 6 }, (_, i) => Math.sin(1.3 * i + j)),
              { name: `p${j}`, shape: [2, 3] },
            ),
          );
          const opt = make([{ params: ps.slice(0, 2) }, { params: ps.slice(2) }] as never);
          try {
            for (let warm = 0; warm < 2; warm++) {
              fillGrads(ps);
              opt.between?.();
              opt.step();
            }
            for (const [t, w] of writes.entries()) {
              const g = opt.paramGroups[w.group];
              const option = opt.optionNames[w.option % opt.optionNames.length];
              const kept = g[option];
              g[option] = Array.isArray(w.value) ? [...w.value] : w.value;
              fillGrads(ps);
              const values = ps.map((p) => Array.from(p.data));
              const state = opt.stateDict();
              const steps = opt.stepsTaken;
              const label = `write ${t}: paramGroups[${w.group}].${option} = ${fc.stringify(w.value)}`;
              let err: unknown;
              try {
                opt.step();
              } catch (e) {
                err = e;
              }
              if (err) {
                threw++;
                expect(err, label).toBeInstanceOf(Error);
                ps.forEach((p, j) => {
                  expect(Array.from(p.data), `${label}: ${p.name} unchanged`).toEqual(values[j]);
                });
                expect(opt.stateDict(), `${label}: state unchanged`).toEqual(state);
                expect(opt.stepsTaken, `${label}: step counter unchanged`).toBe(steps);
              } else {
                stepped++;
                for (const p of ps)
                  expect(p.data.every(Number.isFinite), `${label}: ${p.name} finite`).toBe(true);
                expect(stateNumbers(opt.stateDict()).every(Number.isFinite), `${label}: state finite`).toBe(
                  true,
                );
              }
              g[option] = kept; // back to a sane configuration: the next write starts from there
              opt.between?.();
            }
          } finally {
            opt.free();
            for (const p of ps) p.free();
          }
        }),
        { seed: 20261207 + index, numRuns },
      );
      expect(threw + stepped).toBeGreaterThanOrEqual(numRuns);
    },
    120_000,
  );
});
