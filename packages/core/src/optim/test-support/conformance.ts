/**
 * The shared optimizer conformance suite. Every optimizer's test file runs
 *
 *   describeOptimizerConformance({ optimizer: 'Adam', fixture: loadOptimFixture('torch_optim_sgd_adam.json'),
 *     create: (params, options) => new Adam(params, options), defaults: {...}, invalid: [...] });
 *
 * which checks, table-driven over the fixture's cases (see test/fixtures/optim_conformance.py for
 * the fixture format and the problem):
 *   1. the parameters after each recorded step match torch to 1e-10 (f64) / 1e-5 (f32), relative
 *      (values below 1 in magnitude compared absolutely), through the fused and the reference path;
 *   2. fused == reference (to 1e-12 / 1e-5: the reference computes in f64 and rounds on store);
 *   3. a stateDict taken mid-run and loaded into a fresh optimizer over fresh parameters continues
 *      bit-identically, directly, through structuredClone, and through JSON (encodeStateDict);
 *   4. the defaults are torch's; each invalid option throws a RangeError naming option and value,
 *      in the constructor and in addParamGroup (which then changes nothing); typos are caught;
 *   5. a NaN/Inf gradient throws NonFiniteGradientError naming the parameter and the step, with
 *      parameters and state untouched;
 *   6. with onNonFinite: 'skip' the bad step is skipped and the run continues exactly as if the bad
 *      gradient had never been seen.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Param, param } from '../../param.js';
import { NonFiniteGradientError, type Optimizer, type ParamsInput } from '../optimizer.js';
import { decodeStateDict, encodeStateDict, type OptimizerStateDict } from '../state-dict.js';

type AnyOptimizer = Optimizer<{ lr: number }>;
type Impl = 'fused' | 'reference';

export interface FixtureGroup {
  options: Record<string, unknown>;
  init: number[][];
  shapes?: number[][];
}

export interface FixtureCase {
  optimizer: string;
  name: string;
  dtype: 'f32' | 'f64';
  options: Record<string, unknown>;
  groups: FixtureGroup[];
  steps: number;
  record: number[];
  /** trajectory[k][j] = the values of parameter j (in group order) after step record[k]. */
  trajectory: number[][][];
  source: string;
}

export interface OptimFixture {
  generator: string;
  torch: string;
  problem: string;
  cases: FixtureCase[];
}

export interface InvalidOption {
  options: Record<string, unknown>;
  /** The RangeError's message (a string is matched exactly). */
  message: string | RegExp;
}

export interface ConformanceSpec {
  /** The fixture's `optimizer` field of the cases to run ("Adam"). */
  optimizer: string;
  fixture: OptimFixture;
  /** Builds the optimizer; `options` includes `impl` and `onNonFinite`. */
  create: (params: ParamsInput<never>, options: Record<string, unknown>) => AnyOptimizer;
  /** The expected `opt.defaults` (torch's defaults, camelCased). */
  defaults: Record<string, unknown>;
  invalid: InvalidOption[];
  /** Tolerances against torch; default { f64: 1e-10, f32: 1e-5 }. */
  tolerance?: { f64: number; f32: number };
  /** Tolerances between fused and reference; default { f64: 1e-12, f32: 1e-5 }. */
  fusedVsReference?: { f64: number; f32: number };
  /** Implementations to test; default both. */
  impls?: Impl[];
}

/** Loads test/fixtures/<name> of the core package. */
export function loadOptimFixture(name: string): OptimFixture {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'));
}

/**
 * The problem's gradient (see optim_conformance.py): computed in f64 from x with the same
 * operations in the same order as the Python generator, then stored into g (rounded for f32).
 *   df/dx_i = 2 x_i / (1 + x_i^2) - 4 C x_i (x_{i+1} - x_i^2) [i < n-1] + 2 C (x_i - x_{i-1}^2) [i > 0]
 */
export function coupledLogGradient(x: ArrayLike<number>, g: { [i: number]: number }, C = 0.5): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    let gi = (2.0 * xi) / (1.0 + xi * xi);
    if (i + 1 < n) gi = gi - 4.0 * C * xi * (x[i + 1] - xi * xi);
    if (i > 0) gi = gi + 2.0 * C * (xi - x[i - 1] * x[i - 1]);
    g[i] = gi;
  }
}

/** Fresh parameters for a case, grouped as the fixture says, named `<case>.p<j>`. */
export function caseParams(c: FixtureCase): Param[][] {
  let j = 0;
  return c.groups.map((g) =>
    g.init.map((v, k) =>
      param(c.dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v), {
        name: `${c.name}.p${j++}`,
        shape: g.shapes?.[k],
      }),
    ),
  );
}

/** The constructor's params argument: a plain list for one group without overrides, else groups. */
export function paramsInput(c: FixtureCase, groups: Param[][]): ParamsInput<never> {
  if (groups.length === 1 && Object.keys(c.groups[0].options).length === 0) return groups[0];
  return groups.map((ps, i) => ({ ...c.groups[i].options, params: ps })) as unknown as ParamsInput<never>;
}

/** Writes the problem's gradient into every parameter. */
export function fillGradients(params: Param[]): void {
  for (const p of params) coupledLogGradient(p.data, p.grad);
}

/** Runs steps [from, to) (1-based step numbers from+1..to) and returns snapshots at `record`. */
function runSteps(opt: AnyOptimizer, params: Param[], from: number, to: number, record: number[]) {
  const snaps = new Map<number, number[][]>();
  for (let k = from + 1; k <= to; k++) {
    fillGradients(params);
    opt.step();
    if (record.includes(k))
      snaps.set(
        k,
        params.map((p) => Array.from(p.data)),
      );
  }
  return snaps;
}

function build(spec: ConformanceSpec, c: FixtureCase, extra: Record<string, unknown> = {}) {
  const groups = caseParams(c);
  const opt = spec.create(paramsInput(c, groups), { ...c.options, ...extra });
  return { opt, params: groups.flat() };
}

/** |a - b| <= tol * max(1, |b|) for every element, with the first failure in the message. */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * Math.max(1, Math.abs(want[i])))) {
      expect.fail(
        `${what}[${i}]: got ${got[i]}, want ${want[i]} (error ${err.toExponential(2)}, tol ${tol})`,
      );
    }
  }
}

/** Element-wise Object.is: bit-identical values (NaN and -0 included). */
export function expectIdentical(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`${what}[${i}]: got ${got[i]}, want ${want[i]}`);
  }
}

function cloneStateDict(sd: OptimizerStateDict, how: 'direct' | 'structuredClone' | 'JSON') {
  if (how === 'direct') return sd;
  if (how === 'structuredClone') return structuredClone(sd);
  return decodeStateDict(JSON.parse(JSON.stringify(encodeStateDict(sd))));
}

export function describeOptimizerConformance(spec: ConformanceSpec): void {
  const cases = spec.fixture.cases.filter((c) => c.optimizer === spec.optimizer);
  const tol = spec.tolerance ?? { f64: 1e-10, f32: 1e-5 };
  const tolFR = spec.fusedVsReference ?? { f64: 1e-12, f32: 1e-5 };
  const impls = spec.impls ?? ['fused', 'reference'];

  describe(`${spec.optimizer} conformance`, () => {
    it('has fixture cases in both dtypes', () => {
      expect(cases.length).toBeGreaterThan(0);
      expect(new Set(cases.map((c) => c.dtype))).toEqual(new Set(['f32', 'f64']));
    });

    const label = (c: FixtureCase) => `${c.name} (${c.dtype})`;
    const labelled = cases.map((c) => [label(c), c] as const);
    const torchRuns = cases.flatMap((c) => impls.map((impl) => [label(c), impl, c] as const));
    it.each(torchRuns)('matches torch: %s through the %s path', (_l, impl, c) => {
      const { opt, params } = build(spec, c, { impl });
      const snaps = runSteps(opt, params, 0, c.steps, c.record);
      c.record.forEach((k, r) => {
        const got = snaps.get(k)!;
        params.forEach((p, j) => {
          expectClose(got[j], c.trajectory[r][j], tol[c.dtype], `${c.name} ${c.dtype} step ${k} ${p.name}`);
        });
      });
    });

    if (impls.length === 2) {
      it.each(labelled)('fused and reference paths agree: %s', (_l, c) => {
        const a = build(spec, c, { impl: 'fused' });
        const b = build(spec, c, { impl: 'reference' });
        runSteps(a.opt, a.params, 0, c.steps, []);
        runSteps(b.opt, b.params, 0, c.steps, []);
        a.params.forEach((p, j) => {
          expectClose(p.data, b.params[j].data, tolFR[c.dtype], `${c.name} ${p.name}`);
        });
      });
    }

    it.each(cases)(
      'resumes bit-identically from a mid-run stateDict (direct, structuredClone, JSON): %s',
      (c) => {
        const half = Math.floor(c.steps / 2);
        const whole = build(spec, c);
        runSteps(whole.opt, whole.params, 0, c.steps, []);
        for (const how of ['direct', 'structuredClone', 'JSON'] as const) {
          const first = build(spec, c);
          runSteps(first.opt, first.params, 0, half, []);
          const sd = cloneStateDict(first.opt.stateDict(), how);
          const second = build(spec, c);
          second.params.forEach((p, j) => {
            p.data.set(first.params[j].data);
          });
          second.opt.loadStateDict(sd);
          runSteps(second.opt, second.params, half, c.steps, []);
          second.params.forEach((p, j) => {
            expectIdentical(p.data, whole.params[j].data, `${how} ${p.name}`);
          });
          expect(second.opt.stateDict().paramGroups).toEqual(whole.opt.stateDict().paramGroups);
        }
      },
    );

    it("has torch's defaults", () => {
      const c = cases[0];
      const opt = spec.create(caseParams(c).flat() as ParamsInput<never>, {});
      expect({ ...opt.defaults }).toEqual(spec.defaults);
      expect(opt.impl).toBe('fused');
      expect(opt.onNonFinite).toBe('error');
    });

    it.each(spec.invalid.map((v) => [JSON.stringify(v.options), v] as const))(
      'rejects %s with a RangeError naming the option, changing nothing',
      (_label, bad) => {
        const c = cases[0];
        const params = caseParams(c).flat();
        expect(() => spec.create(params as ParamsInput<never>, bad.options)).toThrow(RangeError);
        expect(() => spec.create(params as ParamsInput<never>, bad.options)).toThrow(bad.message);
        const opt = spec.create([params[0]] as ParamsInput<never>, {});
        const before = opt.stateDict();
        expect(() => opt.addParamGroup({ params: [params[1]], ...bad.options } as never)).toThrow(
          bad.message,
        );
        expect(opt.stateDict()).toEqual(before);
        expect(opt.paramGroups.length).toBe(1);
      },
    );

    it('rejects unknown options (typos) with a RangeError naming them', () => {
      const params = caseParams(cases[0]).flat() as ParamsInput<never>;
      expect(() => spec.create(params, { weight_decay: 0.1 })).toThrow(/Unknown .*option: weight_decay/);
    });

    const bad = [NaN, Infinity, -Infinity];
    for (const dtype of ['f64', 'f32'] as const) {
      const c = cases.find((x) => x.dtype === dtype);
      if (!c) continue;
      it.each(bad)(
        `throws NonFiniteGradientError naming the parameter and step on a %s gradient, leaving everything unchanged (${dtype})`,
        (value) => {
          const { opt, params } = build(spec, c);
          runSteps(opt, params, 0, 3, []);
          const values = params.map((p) => p.data.slice());
          const state = opt.stateDict();
          fillGradients(params);
          const last = params[params.length - 1];
          last.grad[2] = value;
          expect(() => opt.step()).toThrow(NonFiniteGradientError);
          expect(() => opt.step()).toThrow(
            new RegExp(`${last.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at step 4`),
          );
          params.forEach((p, j) => {
            expectIdentical(p.data, values[j], p.name);
          });
          expect(opt.stateDict()).toEqual(state);
        },
      );

      it(`skips a step with a non-finite gradient under onNonFinite: 'skip', then continues exactly (${dtype})`, () => {
        const clean = build(spec, c);
        runSteps(clean.opt, clean.params, 0, 10, []);
        const skipping = build(spec, c, { onNonFinite: 'skip' });
        runSteps(skipping.opt, skipping.params, 0, 5, []);
        fillGradients(skipping.params);
        skipping.params[0].grad[0] = NaN;
        const before = skipping.params.map((p) => p.data.slice());
        expect(skipping.opt.step()).toBeUndefined();
        expect(skipping.opt.skippedSteps).toBe(1);
        skipping.params.forEach((p, j) => {
          expectIdentical(p.data, before[j], p.name);
        });
        runSteps(skipping.opt, skipping.params, 5, 10, []);
        skipping.params.forEach((p, j) => {
          expectIdentical(p.data, clean.params[j].data, p.name);
        });
      });
    }

    it('returns the closure’s loss from step(closure)', () => {
      const { opt, params } = build(spec, cases[0]);
      const loss = opt.step(() => {
        fillGradients(params);
        return 42;
      });
      expect(loss).toBe(42);
    });
  });
}
