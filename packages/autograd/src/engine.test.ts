import { param } from '@descent/core';
import { memoryStats } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import {
  add,
  exp,
  fromParam,
  grad,
  keep,
  matmul,
  mul,
  noGrad,
  sin,
  square,
  sum,
  type Tensor,
  tensor,
  tidy,
} from './index.js';

describe('backward', () => {
  it('gives the closed-form gradient of a small expression: d/dx [x² y + e^x] = 2xy + e^x', () => {
    const x = tensor([0.3, -1.2], { requiresGrad: true });
    const y = tensor([2, 0.5], { requiresGrad: true });
    sum(add(mul(square(x), y), exp(x))).backward();
    const [x0, x1] = [0.3, -1.2];
    expect(x.grad?.toArray()).toEqual(
      new Float64Array([2 * x0 * 2 + Math.exp(x0), 2 * x1 * 0.5 + Math.exp(x1)]),
    );
    expect(x.grad?.data[0]).toBeCloseTo(2 * 0.3 * 2 + Math.exp(0.3), 15);
    expect(y.grad?.toArray()).toEqual(new Float64Array([x0 * x0, x1 * x1]));
  });

  it('accumulates over backward calls, as torch does', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    sum(square(x)).backward();
    sum(square(x)).backward();
    expect([...(x.grad as Tensor).data]).toEqual([4, 8]);
    x.zeroGrad();
    expect([...(x.grad as Tensor).data]).toEqual([0, 0]);
  });

  it('sums the gradient of a tensor used twice (x·x through one node)', () => {
    const x = tensor([3], { requiresGrad: true });
    const y = add(x, x);
    mul(y, x).sum().backward(); // 2x² -> 4x
    expect(x.grad?.item()).toBe(12);
  });

  it('accumulates into a core Param, so an optimizer steps it unchanged', () => {
    const p = param(new Float64Array([1, -2]));
    const w = fromParam(p);
    sum(square(w)).backward();
    expect([...p.grad]).toEqual([2, -4]);
    sum(w).backward();
    expect([...p.grad]).toEqual([3, -3]);
    p.free();
  });

  it('refuses a non-scalar root without a seed, and a seed of the wrong shape, changing nothing', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = mul(x, 2);
    expect(() => y.backward()).toThrow(/not a scalar; pass a seed gradient/);
    expect(() => y.backward(tensor([1, 1]))).toThrow(/seed is f64 \[2\], the tensor is f64 \[3\]/);
    expect(x.grad).toBeNull();
    y.backward(tensor([1, 0, 2]));
    expect([...(x.grad as Tensor).data]).toEqual([2, 0, 4]);
  });

  it('leaves the caller’s seed alive, so one seed serves several backward passes', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(x, 3);
    const seed = tensor([1, 1]);
    y.backward(seed, { retainGraph: true });
    y.backward(seed);
    expect(seed.freed).toBe(false);
    expect([...(x.grad as Tensor).data]).toEqual([6, 6]);
  });

  it('refuses a second backward through a released graph, and allows it with retainGraph', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = sum(square(x));
    y.backward(null, { retainGraph: true });
    y.backward();
    expect(x.grad?.item()).toBe(8);
    expect(() => y.backward()).toThrow(
      /already used by a backward pass and released; pass \{ retainGraph: true \}/,
    );
    expect(x.grad?.item()).toBe(8);
  });

  it('refuses backward through a tensor freed by tidy, naming the op, before touching any gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let inner: Tensor | undefined;
    const y = tidy(() => {
      inner = exp(x);
      return sum(mul(inner, x));
    });
    expect(inner?.freed).toBe(true);
    expect(() => y.backward()).toThrow(/was freed/);
    expect(x.grad).toBeNull();
  });

  it('refuses backward of a tensor that does not require a gradient', () => {
    const x = tensor([1, 2]);
    expect(() => sum(x).backward()).toThrow(/does not require a gradient/);
  });

  it('records nothing under noGrad, and detach cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => mul(x, 3));
    expect(y.requiresGrad).toBe(false);
    const z = mul(x.detach(), x);
    sum(z).backward();
    expect([...(x.grad as Tensor).data]).toEqual([1, 2]);
  });

  it('names the op and both shapes on a shape mismatch', () => {
    const a = tensor(new Float64Array(32 * 64), { shape: [32, 64] });
    const b = tensor(new Float64Array(10 * 128), { shape: [10, 128] });
    expect(() => matmul(a, b)).toThrow('matmul: [32, 64] x [10, 128]');
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(
      /add: shapes \[3\] and \[2\] cannot be broadcast/,
    );
  });

  it('differentiates twice with createGraph: d²/dx² sin(x)·x³ in closed form', () => {
    const f = (x: Tensor) => sum(mul(sin(x), mul(x, square(x))));
    const x0 = 0.7;
    const x = tensor([x0], { requiresGrad: true });
    const d2 = grad((t: Tensor) => grad(f)(t).sum())(x);
    // f'' = -sin x · x³ + 6 x² cos x + 6 x sin x
    const expected = -Math.sin(x0) * x0 ** 3 + 6 * x0 * x0 * Math.cos(x0) + 6 * x0 * Math.sin(x0);
    expect(d2.item()).toBeCloseTo(expected, 13);
  });
});

describe('memory', () => {
  it('tidy frees everything it made except the result, which moves to the enclosing scope', () => {
    const x = tensor([1, 2, 3]);
    let inner: Tensor | undefined;
    let kept: Tensor | undefined;
    const out = tidy(() => {
      inner = exp(x);
      kept = keep(mul(x, 2));
      return { y: sum(inner), list: [mul(inner, 1)] };
    });
    expect(inner?.freed).toBe(true);
    expect(kept?.freed).toBe(false);
    expect(out.y.item()).toBeCloseTo(Math.exp(1) + Math.exp(2) + Math.exp(3), 12);
    expect(out.list[0].freed).toBe(false);
    expect(x.freed).toBe(false);
  });

  it('a 100,000-step training loop keeps wasm memory flat', () => {
    const p = param(new Float32Array(64).fill(0.1));
    const w = fromParam(p, [8, 8]);
    const data = tensor(new Float32Array(16 * 8).fill(0.5), { shape: [16, 8] });
    const step = () =>
      tidy(() => {
        const loss = sum(square(matmul(data, w)));
        loss.backward();
        p.zeroGrad();
        return loss.item();
      });
    for (let i = 0; i < 1000; i++) step();
    const before = memoryStats();
    for (let i = 0; i < 100_000; i++) step();
    const after = memoryStats();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.bufferBytes).toBe(before.bufferBytes);
    p.free();
  }, 120_000);
});
