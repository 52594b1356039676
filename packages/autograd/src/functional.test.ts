import { minimize, rosenbrock } from '@descent/core';
import { describe, expect, it } from 'vitest';
import {
  add,
  concat,
  exp,
  grad,
  hessian,
  hvp,
  jvp,
  mul,
  sin,
  slice,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  valueAndGrad,
  vjp,
} from './index.js';

/** Rosenbrock written with tensor ops: Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)². */
function rosen(x: Tensor): Tensor {
  const n = x.size;
  const head = slice(x, [0], [n - 1]);
  const tail = slice(x, [1], [n - 1]);
  return sum(add(mul(square(sub(tail, square(head))), 100), square(sub(1, head))));
}

describe('functional transforms', () => {
  const x0 = new Float64Array([-1.2, 1, 0.7, -0.3, 1.5]);
  const zoo = rosenbrock(5);

  it('grad and valueAndGrad agree with the zoo Rosenbrock’s hand-written gradient', () => {
    const expected = new Float64Array(5);
    zoo.grad(x0, expected);
    const g = grad(rosen)(x0);
    for (let i = 0; i < 5; i++) expect(g[i]).toBeCloseTo(expected[i], 10);
    const out = new Float64Array(5);
    expect(valueAndGrad(rosen)(x0, out)).toBeCloseTo(zoo.f(x0), 12);
    expect([...out]).toEqual([...g]);
  });

  it('minimize(valueAndGrad(f), x0, lbfgs) solves Rosenbrock as with the hand-written gradient', () => {
    const auto = minimize(valueAndGrad(rosen), x0, { method: 'lbfgs' });
    const hand = minimize(zoo, x0, { method: 'lbfgs' });
    expect(auto.converged).toBe(true);
    for (let i = 0; i < 5; i++) expect(auto.x[i]).toBeCloseTo(1, 5);
    expect(auto.nit).toBe(hand.nit);
  });

  it('hessian and hvp equal the zoo Rosenbrock’s exact Hessian', () => {
    const H = new Float64Array(25);
    zoo.hessian?.(x0, H);
    const auto = hessian(rosen)(x0);
    for (let i = 0; i < 25; i++) expect(auto[i]).toBeCloseTo(H[i], 9);
    const v = new Float64Array([0.3, -1, 2, 0.5, 1]);
    const hv = hvp(rosen)(x0, v);
    for (let i = 0; i < 5; i++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += H[i * 5 + j] * v[j];
      expect(hv[i]).toBeCloseTo(s, 9);
    }
  });

  it('jvp and vjp of a vector function match its Jacobian in closed form', () => {
    // g(x) = [e^{x0} sin x1, x0 x1², x2]
    const g = (x: Tensor) => {
      const x0 = slice(x, [0], [1]);
      const x1 = slice(x, [1], [1]);
      const x2 = slice(x, [2], [1]);
      return concat([mul(exp(x0), sin(x1)), mul(x0, square(x1)), x2]);
    };
    const x = new Float64Array([0.4, -0.8, 2]);
    const [a, b] = [x[0], x[1]];
    const J = [
      [Math.exp(a) * Math.sin(b), Math.exp(a) * Math.cos(b), 0],
      [b * b, 2 * a * b, 0],
      [0, 0, 1],
    ];
    const v = new Float64Array([1, 2, -1]);
    const [value, jv] = jvp(g)(x, v);
    expect(value[0]).toBeCloseTo(Math.exp(a) * Math.sin(b), 15);
    for (let i = 0; i < 3; i++)
      expect(jv[i]).toBeCloseTo(J[i][0] * v[0] + J[i][1] * v[1] + J[i][2] * v[2], 14);
    const u = new Float64Array([0.5, -1, 3]);
    const ju = vjp(g)(x, u);
    for (let j = 0; j < 3; j++)
      expect(ju[j]).toBeCloseTo(J[0][j] * u[0] + J[1][j] * u[1] + J[2][j] * u[2], 14);
  });

  it('keeps f32 inputs in f32', () => {
    const g = grad((x) => sum(square(x)))(new Float32Array([1, 2]));
    expect(g).toBeInstanceOf(Float32Array);
    expect([...g]).toEqual([2, 4]);
  });

  it('refuses a non-scalar function in grad, naming the shape', () => {
    expect(() => grad((x) => mul(x, 2))(new Float64Array([1, 2]))).toThrow(
      /f must return a scalar, got shape \[2\]/,
    );
  });
});
