import { readFileSync } from 'node:fs';
import { alloc, byteCodesLength, fromArray, fusedAdam8bitStep } from '@descent/kernels';
import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { Adam8bit, AdamW8bit, dynamicQuantizationMap, nearestCode } from './adam-8bit.js';
import { AdamW } from './adamw.js';
import { expectClose, expectIdentical, fillGradients } from './test-support/conformance.js';

const fixture: {
  init: number[][];
  signedMap: number[];
  unsignedMap: number[];
  cases: Array<{
    name: string;
    optimizer: 'Adam8bit' | 'AdamW8bit';
    options: Record<string, unknown>;
    trajectory: number[][][];
    trajectoryF32: number[][][];
  }>;
} = JSON.parse(
  readFileSync(new URL('../../test/fixtures/adam-8bit/adam_8bit.json', import.meta.url), 'utf8'),
);

const TOL = { f64: 1e-10, f32: 1e-5 } as const;

function fixtureParams(dtype: 'f32' | 'f64') {
  return fixture.init.map((v, j) =>
    param(dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v), { name: `p${j}` }),
  );
}

describe('8-bit Adam and AdamW', () => {
  it("builds bitsandbytes' dynamic quantization maps (256 values, 0 and 1 included)", () => {
    expectClose(dynamicQuantizationMap(true), fixture.signedMap, 1e-15, 'signed');
    expectClose(dynamicQuantizationMap(false), fixture.unsignedMap, 1e-15, 'unsigned');
    expect(dynamicQuantizationMap(true).length).toBe(256);
  });

  it('picks the nearest code (ties to the smaller) at the ends and in between', () => {
    const map = Float64Array.from([-1, 0, 0.5, 1]);
    expect([-2, -0.6, -0.5, 0.2, 0.25, 0.8, 3].map((x) => nearestCode(map, x))).toEqual([
      0, 0, 0, 1, 1, 3, 3,
    ]);
  });

  it("finds nearestCode's code in the kernel (bin table, then steps) across every bin, at ties and at the ends", () => {
    const signed = dynamicQuantizationMap(true);
    const unsigned = dynamicQuantizationMap(false);
    const xs = [1, -1, 0, 1e-12, -1e-12, 2 ** -32, -(2 ** -32), 2 ** -33, 0.5, -0.5];
    for (let k = 0; k < 255; k++) xs.push(signed[k], (signed[k] + signed[k + 1]) / 2, signed[k] + 1e-17);
    for (let i = 0; i < 20000; i++) xs.push((2 * ((i * 0.6180339887) % 1) - 1) * 2 ** -(i % 34));
    const n = xs.length;
    // one step from zero state, one block: m = (1 - β1) g, v = (1 - β2) g², codes of m/max|m|, v/max|v|
    const p = fromArray(new Float64Array(n));
    const g = fromArray(Float64Array.from(xs));
    const words = byteCodesLength('f64', n);
    const st = {
      expAvgCodes: alloc('f64', words),
      expAvgSqCodes: alloc('f64', words),
      expAvgAbsmax: alloc('f64', 1),
      expAvgSqAbsmax: alloc('f64', 1),
    };
    const scalars = { beta1: 0.9, beta2: 0.999, weightDecay: 0, decay: 1, stepSize: 1e-3, epsC2: 1e-8 };
    fusedAdam8bitStep(
      p,
      g,
      st,
      { ...scalars, blockSize: n, signedMap: signed, unsignedMap: unsigned },
      false,
    );
    const m = xs.map((x) => 0.9 * (signed[0] * 0) + (1 - 0.9) * x);
    const v = xs.map((x) => 0.999 * (unsigned[0] * 0) + (1 - 0.999) * x * x);
    const am = Math.max(...m.map(Math.abs));
    const av = Math.max(...v);
    const bytes = (a: { data: Float64Array | Float32Array }) =>
      new Uint8Array(a.data.buffer, a.data.byteOffset, n);
    expect(Array.from(bytes(st.expAvgCodes))).toEqual(m.map((x) => nearestCode(signed, x / am)));
    expect(Array.from(bytes(st.expAvgSqCodes))).toEqual(v.map((x) => nearestCode(unsigned, x / av)));
    for (const a of [p, g, ...Object.values(st)]) a.free();
  });

  for (const c of fixture.cases) {
    for (const dtype of ['f64', 'f32'] as const) {
      it(`follows the NumPy transcription of bitsandbytes' blockwise update (${c.name}, ${dtype})`, () => {
        const params = fixtureParams(dtype);
        const Kind = c.optimizer === 'AdamW8bit' ? AdamW8bit : Adam8bit;
        const opt = new Kind(params, c.options);
        (dtype === 'f32' ? c.trajectoryF32 : c.trajectory).forEach((want, t) => {
          fillGradients(params);
          opt.step();
          params.forEach((p, j) => {
            expectClose(p.data, want[j], TOL[dtype], `${c.name} step ${t + 1} ${p.name}`);
          });
        });
      });
    }
  }

  it('resumes bit-identically from a state dict (through structuredClone)', () => {
    const run = (split: boolean) => {
      const params = fixtureParams('f32');
      const options = { lr: 0.05, blockSize: 4, min8bitSize: 8 };
      let opt = new AdamW8bit(params, options);
      for (let t = 1; t <= 12; t++) {
        if (split && t === 6) {
          const sd = structuredClone(opt.stateDict());
          opt = new AdamW8bit(params, options);
          opt.loadStateDict(sd);
        }
        fillGradients(params);
        opt.step();
      }
      return params.map((p) => p.data.slice());
    };
    const a = run(false);
    const b = run(true);
    a.forEach((x, j) => {
      expectIdentical(b[j], x, `param ${j}`);
    });
  });

  it('keeps 2.03 bytes of state per f32 parameter instead of AdamW’s 8, and full moments below min8bitSize', () => {
    const big = param(new Float32Array(10000));
    const small = param(new Float32Array(100));
    const opt = new AdamW8bit([big, small]);
    big.grad.fill(0.1);
    small.grad.fill(0.1);
    opt.step();
    // 2 x (1 byte of code) + 2 x (4 bytes / 256) = 2.032
    expect(opt.stateBytesPerElement(big)).toBeCloseTo(
      (2 * (Math.ceil(10000 / 4) * 4)) / 10000 + (2 * 40 * 4) / 10000,
      12,
    );
    expect(opt.stateBytesPerElement(big)).toBeLessThan(2.04);
    expect(opt.stateBytesPerElement(small)).toBe(8);
    expect(Object.keys(opt.stateDict().state[1])).toEqual(['step', 'expAvg', 'expAvgSq']);
  });

  for (const dtype of ['f32', 'f64'] as const) {
    for (const Kind of [Adam8bit, AdamW8bit]) {
      it(`runs the fused kernel bit-identically to the plain reference (${Kind.name}, ${dtype})`, () => {
        const n = 1000; // blocks of 64: 15 full, one of 40
        const make = () => {
          const init = Array.from({ length: n }, (_, i) => 0.8 * Math.sin(0.37 * i + 0.2));
          return param(dtype === 'f32' ? Float32Array.from(init) : Float64Array.from(init), { name: 'w' });
        };
        const run = (impl: 'fused' | 'reference') => {
          const w = make();
          const opt = new Kind([w], { impl, lr: 0.02, blockSize: 64, min8bitSize: 100, weightDecay: 0.05 });
          for (let t = 1; t <= 25; t++) {
            for (let i = 0; i < n; i++)
              w.grad[i] = Math.sin(w.data[i] * 3 + t) * (1 + (i % 7)) * 10 ** ((i % 5) - 2);
            opt.step();
          }
          return { w: w.data.slice(), sd: opt.stateDict() };
        };
        const fused = run('fused');
        const ref = run('reference');
        expectIdentical(fused.w, ref.w, 'θ');
        for (const k of ['expAvgCodes', 'expAvgSqCodes', 'expAvgAbsmax', 'expAvgSqAbsmax']) {
          expectIdentical(fused.sd.state[0][k] as Float32Array, ref.sd.state[0][k] as Float32Array, k);
        }
      });
    }
  }

  it('writes the codes to state dicts in the legacy layout (exact integers, 3 per f32) and reads them back', () => {
    const w = param(
      Float32Array.from({ length: 5000 }, (_, i) => Math.cos(i)),
      { name: 'w' },
    );
    const opt = new AdamW8bit([w], { lr: 0.01 });
    w.grad.set(w.data);
    opt.step();
    const sd = opt.stateDict();
    const codes = sd.state[0].expAvgCodes as Float32Array;
    expect(codes.length).toBe(Math.ceil(5000 / 3));
    expect(codes.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 24)).toBe(true);
    const again = new AdamW8bit([w], { lr: 0.01 });
    again.loadStateDict(sd);
    expect(again.stateDict()).toEqual(sd);
  });

  it("makes at least 95% of AdamW's loss decrease on a 10000-parameter problem in 200 steps", () => {
    // f(x) = Σ log(1 + x²) + ½ Σ (x_{i+1} - x_i²)²: the conformance problem, at scale
    const loss = (x: ArrayLike<number>) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        f += Math.log(1 + x[i] ** 2);
        if (i + 1 < x.length) f += 0.5 * (x[i + 1] - x[i] ** 2) ** 2;
      }
      return f;
    };
    const start = Float32Array.from({ length: 10000 }, (_, i) => 1.5 * Math.sin(1.3 * i + 0.1));
    const run = (make: (p: ReturnType<typeof param>) => { step(): unknown }) => {
      const x = param(start.slice());
      const opt = make(x);
      for (let t = 0; t < 200; t++) {
        fillGradients([x]);
        opt.step();
      }
      return loss(x.data);
    };
    const f0 = loss(start);
    const full = run((x) => new AdamW([x], { lr: 0.01 }));
    const eight = run((x) => new AdamW8bit([x], { lr: 0.01 }));
    // measured: f0 = 21865, AdamW 479, AdamW8bit 578 (99.5% of AdamW's decrease)
    expect((f0 - eight) / (f0 - full), `f0 ${f0}, AdamW ${full}, AdamW8bit ${eight}`).toBeGreaterThan(0.95);
  });

  it('rejects invalid options naming them, and a state dict of the other layout', () => {
    const w = param(new Float32Array(5000));
    expect(() => new AdamW8bit([w], { blockSize: 0 })).toThrow('Invalid blockSize value: 0');
    expect(() => new AdamW8bit([w], { min8bitSize: -1 })).toThrow('Invalid min8bitSize value: -1');
    expect(() => new AdamW8bit([w], { betas: [0.9, 1] })).toThrow('Invalid beta parameter at index 1: 1');
    expect(() => new Adam8bit([w], { percentileClipping: 5 } as never)).toThrow(/Unknown Adam8bit option/);
    const opt = new AdamW8bit([w]);
    w.grad.fill(1);
    opt.step();
    const sd = structuredClone(opt.stateDict());
    sd.state[0].expAvgCodes = new Float32Array(5000);
    expect(() => opt.loadStateDict(sd)).toThrow("state 'expAvgCodes' of");
    opt.paramGroups[0].min8bitSize = 10000;
    expect(() => opt.step()).toThrow(/Invalid blockSize\/min8bitSize/);
  });
});
