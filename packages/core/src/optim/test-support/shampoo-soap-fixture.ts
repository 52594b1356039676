/**
 * The Shampoo/SOAP fixture (test/fixtures/shampoo-soap/shampoo_soap.py): a matrix `w` and a
 * vector `b` on the coupled-log problem, trajectories after every step of the NumPy
 * transcriptions of facebookresearch's Distributed Shampoo and nikhilvyas/SOAP.
 */
import { readFileSync } from 'node:fs';
import { type Param, param } from '../../param.js';

export interface MatrixCase {
  name: string;
  options: Record<string, unknown>;
  /** trajectory[t][j]: parameter j after step t + 1. */
  trajectory: number[][][];
  /** The same with every stored value rounded to f32 after each step. */
  trajectoryF32: number[][][];
}

export const shampooSoapFixture: {
  shapes: number[][];
  init: number[][];
  soapShapes: number[][];
  soapInit: number[][];
  shampoo: MatrixCase[];
  soap: MatrixCase[];
  qr: { A: number[]; Q: number[] };
} = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/shampoo-soap/shampoo_soap.json', import.meta.url), 'utf8'),
);

/** Fresh parameters `w` and `b` of the fixture: Shampoo's 3 x 4 and 3, or SOAP's 4 x 4 and 2. */
export function matrixCaseParams(dtype: 'f32' | 'f64', which: 'shampoo' | 'soap' = 'shampoo'): Param[] {
  const f = shampooSoapFixture;
  const shapes = which === 'soap' ? f.soapShapes : f.shapes;
  return (which === 'soap' ? f.soapInit : f.init).map((v, j) =>
    param(dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v), {
      name: j === 0 ? 'w' : 'b',
      shape: shapes[j],
    }),
  );
}
