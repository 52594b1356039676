import { describe, expect, it } from 'vitest';
import { autogradObjective, jaxObjective, logRegData, tfObjective } from './logistic-regression.js';

/** f and ∇f in closed form, f64: ∇_w f = Xᵀ(σ(z) − y)/N, ∂_b f = Σ(σ(z) − y)/N. */
function closedForm(x: Float32Array, y: Float32Array, n: number, d: number, theta: Float32Array) {
  const g = new Float64Array(d + 1);
  let f = 0;
  for (let i = 0; i < n; i++) {
    let z = theta[d];
    for (let j = 0; j < d; j++) z += x[i * d + j] * theta[j];
    f += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
    const r = 1 / (1 + Math.exp(-z)) - y[i];
    for (let j = 0; j < d; j++) g[j] += (r * x[i * d + j]) / n;
    g[d] += r / n;
  }
  return { f: f / n, g };
}

describe('the logistic regression of the autograd races', () => {
  it('gives the closed-form value and gradient on every side (1e-5)', async () => {
    const data = logRegData(500, 30);
    const theta = Float32Array.from({ length: 31 }, (_, k) => 0.1 * Math.cos(k));
    const expected = closedForm(data.x, data.y, data.n, data.d, theta);
    const sides = [
      autogradObjective(data),
      await tfObjective(data),
      await jaxObjective(data, { jit: true }),
      await jaxObjective(data, { jit: false }),
    ];
    for (const s of sides) {
      const g = new Float32Array(31);
      expect(Math.abs(s.valueAndGrad(theta, g) - expected.f), s.name).toBeLessThan(1e-5);
      for (let i = 0; i < 31; i++)
        expect(Math.abs(g[i] - expected.g[i]), `${s.name} g[${i}]`).toBeLessThan(1e-5);
      s.dispose();
    }
  });

  it('has both classes in its labels', () => {
    const { y } = logRegData(5000, 30);
    const ones = y.reduce((s, v) => s + v, 0);
    expect(ones).toBeGreaterThan(1000);
    expect(ones).toBeLessThan(4000);
  });
});
