/**
 * A property sweep over option values written into `paramGroups` between steps (what schedulers
 * and users do), for every optimizer: each trial sets one option of one group to a value from a
 * hostile pool (NaN, ±Infinity, negatives, 0, 1e-300, 1e308, wrong types, ...) and steps. The
 * property: the step throws and nothing changed (parameters, state dict, step counter), or it
 * steps and every parameter and state value is finite. Seeded (a fixed LCG), so a failure
 * reproduces; 40 trials per optimizer here, DESCENT_SLOW=1 runs 1,000.
 */
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../param.js';
import { Adadelta } from './adadelta.js';
import { Adafactor } from './adafactor.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { ASGD } from './asgd.js';
import { Lion } from './lion.js';
import { Muon } from './muon.js';
import { NAdam } from './nadam.js';
import type { Optimizer, ParamsInput } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { Rprop } from './rprop.js';
import { SGD } from './sgd.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
type Make = (params: ParamsInput<never>) => AnyOptimizer;

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
];

const POOL: unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
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
  true,
  [0.9, 0.999],
  [1.5, 0.9],
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fillGrads(ps: Param[]): void {
  for (const p of ps) for (let i = 0; i < p.length; i++) p.grad[i] = 3 * Math.cos(p.data[i] + i) + 0.5;
}

function allStateFinite(opt: AnyOptimizer): boolean {
  for (const s of Object.values(opt.stateDict().state)) {
    for (const v of Object.values(s)) {
      if (typeof v === 'number' && !Number.isFinite(v)) return false;
      if (ArrayBuffer.isView(v) && !(v as Float64Array).every(Number.isFinite)) return false;
    }
  }
  return true;
}

const trials = process.env.DESCENT_SLOW === '1' ? 1000 : 40;

describe('options written into a group between steps: throws with nothing changed, or stays finite', () => {
  it.each(OPTIMIZERS.map(([n, make], i) => [n, make, i] as const))('%s', (_n, make, seed) => {
    const rand = lcg(12345 + seed);
    const ps = [0, 1, 2, 3].map((j) =>
      param(
        Float64Array.from({ length: 6 }, (_, i) => Math.sin(1.3 * i + j)),
        { name: `p${j}`, shape: [2, 3] },
      ),
    );
    const opt = make([{ params: ps.slice(0, 2) }, { params: ps.slice(2) }] as never);
    const counts = { threw: 0, stepped: 0 };
    for (let t = 0; t < trials; t++) {
      const g = opt.paramGroups[Math.floor(rand() * 2)] as Record<string, unknown>;
      const option = opt.optionNames[Math.floor(rand() * opt.optionNames.length)];
      const value = POOL[Math.floor(rand() * POOL.length)];
      const kept = g[option];
      g[option] = Array.isArray(value) ? [...value] : value;
      fillGrads(ps);
      const values = ps.map((p) => Array.from(p.data));
      const state = opt.stateDict();
      const label = `trial ${t}: ${option} = ${JSON.stringify(value)}`;
      let err: unknown;
      try {
        opt.step();
      } catch (e) {
        err = e;
      }
      if (err) {
        counts.threw++;
        expect(err, label).toBeInstanceOf(Error);
        ps.forEach((p, j) => {
          expect(Array.from(p.data), `${label}: ${p.name} unchanged`).toEqual(values[j]);
        });
        expect(opt.stateDict(), `${label}: state unchanged`).toEqual(state);
      } else {
        counts.stepped++;
        for (const p of ps) expect(p.data.every(Number.isFinite), `${label}: ${p.name} finite`).toBe(true);
        expect(allStateFinite(opt), `${label}: state finite`).toBe(true);
      }
      g[option] = kept; // back to a sane configuration for the next trial
    }
    expect(counts.threw + counts.stepped).toBe(trials);
  });
});
