/**
 * The wrappers' fixture (test/fixtures/wrappers/wrappers.py): two parameters on the coupled-log
 * problem, trajectories after every call of the NumPy transcription of optax's wrappers.
 */
import { readFileSync } from 'node:fs';
import { type Param, param } from '../../param.js';
import { coupledLogGradient, expectClose } from './conformance.js';

export interface WrapperCase {
  name: string;
  options: Record<string, unknown>;
  /** trajectory[t][j]: parameter j after call t + 1. */
  trajectory: number[][][];
}

export const wrappersFixture: { init: number[][]; cases: WrapperCase[] } = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/wrappers/wrappers.json', import.meta.url), 'utf8'),
);

export function wrapperCase(name: string): WrapperCase {
  const c = wrappersFixture.cases.find((k) => k.name === name);
  if (!c) throw new Error(`no wrapper case ${name}`);
  return c;
}

/** The fixture's parameters: a 5 x 1 weight `w` (decayMask: true) and a bias `b` of 4 (false). */
export function wrapperParams(dtype: 'f32' | 'f64'): Param[] {
  const make = (v: number[], name: string, shape: number[]) =>
    param(dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v), { name, shape });
  return [make(wrappersFixture.init[0], 'w', [5, 1]), make(wrappersFixture.init[1], 'b', [4])];
}

/** Writes the problem's gradient times `scale` into every parameter. */
export function fillScaledGradients(params: Param[], scale = 1): void {
  for (const p of params) {
    coupledLogGradient(p.data, p.grad);
    if (scale !== 1) for (let i = 0; i < p.length; i++) p.grad[i] *= scale;
  }
}

/** Every parameter against the fixture's row for call `t` (1-based). */
export function expectAtCall(params: Param[], c: WrapperCase, t: number, tol: number): void {
  params.forEach((p, j) => {
    expectClose(p.data, c.trajectory[t - 1][j], tol, `${c.name} call ${t} param ${j}`);
  });
}

export const TOL = { f64: 1e-10, f32: 1e-5 } as const;
