import { eigh } from '@descent/kernels';
import { evaluate, flatParameters, lossAndGradient, mlp, moons, setFlatParameters } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { landscapeOf, surfaceGridSize } from './landscape.js';

/** A tiny network (17 parameters) in f64, so a dense Hessian by finite differences is exact enough. */
function tiny() {
  const model = mlp({ sizes: [2, 3, 2], activation: 'tanh', seed: 4, dtype: 'f64' });
  const data = moons({ n: 40, noise: 0.1, seed: 4 });
  return { model, data };
}

describe("the trained network's landscape", () => {
  it("finds the Hessian's largest and smallest eigenvalues of a dense finite-difference Hessian", () => {
    const { model, data } = tiny();
    const l = landscapeOf(model, data, { seed: 1 });
    // H[:, j] = (∇L(θ + h e_j) − ∇L(θ − h e_j)) / 2h, symmetrized
    const theta = flatParameters(model);
    const n = theta.length;
    const H = new Float64Array(n * n);
    const h = 1e-5;
    for (let j = 0; j < n; j++) {
      const moved = Float64Array.from(theta);
      moved[j] = theta[j] + h;
      setFlatParameters(model, moved);
      const plus = lossAndGradient(model, data).gradient;
      moved[j] = theta[j] - h;
      setFlatParameters(model, moved);
      const minus = lossAndGradient(model, data).gradient;
      for (let i = 0; i < n; i++) H[i * n + j] = (plus[i] - minus[i]) / (2 * h);
    }
    setFlatParameters(model, theta);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) H[i * n + j] = H[j * n + i] = (H[i * n + j] + H[j * n + i]) / 2;
    const values = Array.from(eigh({ rows: n, cols: n, data: H }).values).sort((a, b) => a - b);
    expect(l.parameters).toBe(17);
    expect(l.largest[0]).toBeCloseTo(values[n - 1], 5);
    expect(l.smallest[0]).toBeCloseTo(values[0], 5);
    model.free();
  });

  it('puts the trained network itself at α = 0 of the 1-D slice and at the centre of the 2-D one', () => {
    const { model, data } = tiny();
    const l = landscapeOf(model, data, { seed: 1 });
    const here = evaluate(model, data).loss;
    expect(l.alphas[20]).toBe(0);
    expect(l.losses[20]).toBeCloseTo(here, 12);
    const c = (l.G - 1) / 2;
    expect(l.coords[c]).toBeCloseTo(0, 12);
    expect(l.grid[c * l.G + c]).toBeCloseTo(here, 12);
    model.free();
  });

  it('takes 21 points a side for a small network and fewer, down to 7, as n P grows', () => {
    expect(surfaceGridSize(240, 1218)).toBe(21);
    expect(surfaceGridSize(800, 67_000)).toBe(7);
    expect(surfaceGridSize(800, 2500)).toBe(Math.floor(Math.sqrt(3e8 / (800 * 2500))));
  });
});
