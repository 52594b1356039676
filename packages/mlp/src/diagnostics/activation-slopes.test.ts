import { describe, expect, it } from 'vitest';
import type { ActivationName } from '../layers/activations.js';
import { activationSecondDerivative, activationSlope } from './activation-slopes.js';

const zs = [-3.1, -1.2, -0.4, 0.3, 0.9, 2.2, 4];
const kinds: [ActivationName, 'none' | 'tanh'][] = [
  ['sigmoid', 'none'],
  ['tanh', 'none'],
  ['gelu', 'none'],
  ['gelu', 'tanh'],
  ['relu', 'none'],
  ['leakyRelu', 'none'],
];

describe('activation derivatives', () => {
  it.each(kinds)(
    '%s (approximate %s): f’’ matches central differences of the kernel’s f’ (f64)',
    (type, approximate) => {
      const h = 1e-5;
      const plus = activationSlope(
        type,
        zs.map((z) => z + h),
        { approximate },
      );
      const minus = activationSlope(
        type,
        zs.map((z) => z - h),
        { approximate },
      );
      zs.forEach((z, i) => {
        expect(activationSecondDerivative(type, z, approximate)).toBeCloseTo(
          (plus[i] - minus[i]) / (2 * h),
          8,
        );
      });
    },
  );

  it('gives the closed-form slopes: σ(1 - σ), 1 - tanh², [z > 0], and the leaky slope', () => {
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const sig = activationSlope('sigmoid', zs);
    const tanh = activationSlope('tanh', zs);
    for (const [i, z] of zs.entries()) {
      expect(sig[i]).toBeCloseTo(s(z) * (1 - s(z)), 14);
      expect(tanh[i]).toBeCloseTo(1 - Math.tanh(z) ** 2, 14);
    }
    expect(Array.from(activationSlope('relu', [-1, 2]))).toEqual([0, 1]);
    expect(Array.from(activationSlope('leakyRelu', [-1, 2], { negativeSlope: 0.2 }))).toEqual([0.2, 1]);
  });
});
