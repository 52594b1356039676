/** `descent tour`: each package at work, on built-in data. */
import { dot, fromArray } from '@descent/kernels';

export async function tour(print: (line: string) => void): Promise<void> {
  print('descent tour');
  const n = 1_000_000;
  const x = fromArray(Float64Array.from({ length: n }, (_, i) => 1 / (i + 1)));
  print(
    `kernels: sum_i 1/i^2 for i <= 1e6 by the SIMD dot kernel = ${dot(x, x).toFixed(9)} (pi^2/6 = ${(Math.PI ** 2 / 6).toFixed(9)})`,
  );
  x.free();
}
