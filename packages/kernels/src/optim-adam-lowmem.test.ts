import { describe, expect, it } from 'vitest';
import { alloc, fromArray, memoryStats } from './arena.js';
import {
  bf16WordsLength,
  byteCodesLength,
  fusedAdam8bitStep,
  fusedAdamBf16Step,
} from './optim-adam-lowmem.js';

/** A map of 256 ascending values in [-1, 1] (signed) or [0, 1]: enough to check the kernel's plumbing. */
const linearMap = (signed: boolean) =>
  Float64Array.from({ length: 256 }, (_, i) => (signed ? -1 + (2 * i) / 255 : i / 255));

const scalars8 = {
  beta1: 0.9,
  beta2: 0.999,
  weightDecay: 0,
  decay: 1,
  stepSize: 0.1,
  epsC2: 1e-8,
  blockSize: 4,
  signedMap: linearMap(true),
  unsignedMap: linearMap(false),
};

function state8(n: number, blockSize = 4) {
  return {
    expAvgCodes: alloc('f32', byteCodesLength('f32', n)),
    expAvgSqCodes: alloc('f32', byteCodesLength('f32', n)),
    expAvgAbsmax: alloc('f32', Math.ceil(n / blockSize)),
    expAvgSqAbsmax: alloc('f32', Math.ceil(n / blockSize)),
  };
}

describe('fused 8-bit Adam step', () => {
  it('takes a first step of -stepSize · sign(g) / (1 + ε) and stores the codes of m/absmax', () => {
    // step 1 from zero moments: m = 0.1 g, v = 0.001 g², update = stepSize m/√v = stepSize sign(g) √0.1/√0.1·...
    const g = [0.5, -1, 2, -0.25, 3];
    const p = fromArray(new Float32Array(5));
    const grad = fromArray(Float32Array.from(g));
    const st = state8(5);
    expect(fusedAdam8bitStep(p, grad, st, scalars8, true)).toBe(true);
    for (let i = 0; i < 5; i++) {
      const m = 0.1 * g[i];
      const v = 0.001 * g[i] * g[i];
      expect(p.data[i]).toBeCloseTo(-0.1 * (m / (Math.sqrt(v) + 1e-8)), 6);
    }
    // block 0 = g[0..3]: absmax of m = 0.2 (from g = 2); block 1 = g[4]
    expect(st.expAvgAbsmax.data[0]).toBeCloseTo(0.2, 7);
    expect(st.expAvgAbsmax.data[1]).toBeCloseTo(0.3, 7);
    const codes = new Uint8Array(st.expAvgCodes.data.buffer, st.expAvgCodes.ptr, 5);
    // m / absmax = 0.25, -0.5, 1, -0.125 | 1: nearest of -1 + 2i/255
    expect(Array.from(codes)).toEqual([159, 64, 255, 112, 255]);
    for (const a of [p, grad, ...Object.values(st)]) a.free();
  });

  it('rejects state arrays of the wrong length or dtype, a bad block size and non-finite scalars, by name', () => {
    const before = memoryStats().bytesInUse;
    const p = alloc('f32', 10);
    const g = alloc('f32', 10);
    const st = state8(10);
    const short = { ...st, expAvgCodes: alloc('f32', 2) };
    expect(() => fusedAdam8bitStep(p, g, short, scalars8, false)).toThrow(
      'expAvgCodes has length 2, expected 3',
    );
    const wrongType = { ...st, expAvgAbsmax: alloc('f64', 3) };
    expect(() => fusedAdam8bitStep(p, g, wrongType, scalars8, false)).toThrow('expAvgAbsmax has dtype f64');
    expect(() => fusedAdam8bitStep(p, g, st, { ...scalars8, blockSize: 0 }, false)).toThrow(
      'Invalid blockSize: 0',
    );
    expect(() => fusedAdam8bitStep(p, g, st, { ...scalars8, stepSize: Number.NaN }, false)).toThrow(
      'Invalid stepSize: NaN',
    );
    expect(() => fusedAdam8bitStep(p, g, { ...st, expAvgSqCodes: st.expAvgCodes }, scalars8, false)).toThrow(
      /overlaps/,
    );
    expect(Array.from(p.data)).toEqual(new Array(10).fill(0));
    for (const a of [p, g, short.expAvgCodes, wrongType.expAvgAbsmax, ...Object.values(st)]) a.free();
    expect(memoryStats().bytesInUse).toBe(before);
  });
});

describe('fused bf16 Adam step', () => {
  const scalars = {
    beta1: 0.9,
    beta2: 0.999,
    weightDecay: 0,
    decay: 1,
    stepSize: 0.1 / (1 - 0.9),
    invBias2Sqrt: 1 / Math.sqrt(1 - 0.999),
    eps: 1e-8,
    maximize: false,
  };

  it("stores m = bf16(0.1 g) in each f32 word's high half, v in its low half", () => {
    const g = Float32Array.of(0.3, -7);
    const p = fromArray(new Float32Array(2));
    const grad = fromArray(g);
    const words = alloc('f32', bf16WordsLength('f32', 2));
    expect(fusedAdamBf16Step(p, grad, words, scalars, false)).toBe(true);
    const halves = new Uint16Array(words.data.buffer, words.ptr, 4);
    const bf16 = (x: number) => {
      const u = new Uint32Array(Float32Array.of(x).buffer)[0];
      return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
    };
    expect([halves[1], halves[0], halves[3], halves[2]]).toEqual([
      bf16(0.1 * 0.3),
      bf16(0.001 * 0.3 * 0.3),
      bf16(0.1 * -7),
      bf16(0.001 * 49),
    ]);
    // the first step moves each θ by about -lr · sign(g)
    expect(p.data[0]).toBeCloseTo(-0.1, 2);
    expect(p.data[1]).toBeCloseTo(0.1, 2);
    for (const a of [p, grad, words]) a.free();
  });

  it('rejects a moments array of the wrong length and a non-finite eps', () => {
    const p = alloc('f64', 5);
    const g = alloc('f64', 5);
    const words = alloc('f64', 2);
    expect(() => fusedAdamBf16Step(p, g, words, scalars, false)).toThrow('moments has length 2, expected 3');
    words.free();
    const ok = alloc('f64', 3);
    expect(() => fusedAdamBf16Step(p, g, ok, { ...scalars, eps: Number.POSITIVE_INFINITY }, false)).toThrow(
      'Invalid eps: Infinity',
    );
    for (const a of [p, g, ok]) a.free();
  });
});
