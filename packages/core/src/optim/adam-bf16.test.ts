import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { param } from '../param.js';
import { getProblem } from '../problems/index.js';
import { AdamBf16, AdamWBf16, fromBf16Bits, roundBf16, toBf16Bits } from './adam-bf16.js';
import { AdamW } from './adamw.js';
import { expectClose, expectIdentical, fillGradients } from './test-support/conformance.js';

const fixture: {
  init: number[][];
  cases: Array<{
    name: string;
    optimizer: 'AdamBf16' | 'AdamWBf16';
    options: Record<string, unknown>;
    trajectory: number[][][];
    trajectoryF32: number[][][];
  }>;
} = JSON.parse(
  readFileSync(new URL('../../test/fixtures/adam-bf16/adam_bf16.json', import.meta.url), 'utf8'),
);

const TOL = { f64: 1e-10, f32: 1e-5 } as const;

const fixtureParams = (dtype: 'f32' | 'f64') =>
  fixture.init.map((v, j) =>
    param(dtype === 'f32' ? Float32Array.from(v) : Float64Array.from(v), { name: `p${j}` }),
  );

describe('Adam and AdamW with bf16 moments', () => {
  it('rounds to bf16 to nearest, ties to even (closed forms)', () => {
    expect(roundBf16(1)).toBe(1);
    expect(roundBf16(1 + 2 ** -8)).toBe(1); // tie between 1 and 1 + 2^-7: even (1)
    expect(roundBf16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6); // tie: even (1 + 2^-6)
    expect(roundBf16(1 + 2 ** -8 + 2 ** -20)).toBe(1 + 2 ** -7);
    expect(roundBf16(-3.5)).toBe(-3.5);
    expect(fromBf16Bits(toBf16Bits(1e-30))).toBeCloseTo(1e-30, 32);
  });

  for (const c of fixture.cases) {
    for (const dtype of ['f64', 'f32'] as const) {
      it(`follows the NumPy transcription of torch Adam(W) with bf16 moments (${c.name}, ${dtype})`, () => {
        const params = fixtureParams(dtype);
        const Kind = c.optimizer === 'AdamWBf16' ? AdamWBf16 : AdamBf16;
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

  it('resumes bit-identically from a state dict, directly and through structuredClone', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const run = (split: boolean) => {
        const params = fixtureParams(dtype);
        let opt = new AdamWBf16(params, { lr: 0.05 });
        for (let t = 1; t <= 12; t++) {
          if (split && t === 6) {
            const sd = structuredClone(opt.stateDict());
            opt = new AdamWBf16(params, { lr: 0.05 });
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
        expectIdentical(b[j], x, `${dtype} param ${j}`);
      });
    }
  });

  it('keeps 4 bytes of state per parameter (f32 and f64) and stays within 1% of AdamW', () => {
    const start = Float32Array.from({ length: 10000 }, (_, i) => 1.5 * Math.sin(1.3 * i + 0.1));
    const loss = (x: ArrayLike<number>) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        f += Math.log(1 + x[i] ** 2);
        if (i + 1 < x.length) f += 0.5 * (x[i + 1] - x[i] ** 2) ** 2;
      }
      return f;
    };
    const run = (bf16: boolean) => {
      const x = param(start.slice());
      const opt = bf16 ? new AdamWBf16([x], { lr: 0.01 }) : new AdamW([x], { lr: 0.01 });
      for (let t = 0; t < 200; t++) {
        fillGradients([x]);
        opt.step();
      }
      if (opt instanceof AdamWBf16) expect(opt.stateBytesPerElement(x)).toBe(4);
      return loss(x.data);
    };
    const full = run(false);
    const half = run(true);
    const f0 = loss(start);
    // measured: f0 = 21865, AdamW 479, AdamWBf16 453
    expect((f0 - half) / (f0 - full), `f0 ${f0}, AdamW ${full}, AdamWBf16 ${half}`).toBeGreaterThan(0.99);
    const w64 = param(new Float64Array(7));
    const o64 = new AdamBf16([w64]);
    expect(o64.stateBytesPerElement(w64)).toBeCloseTo((4 * 8) / 7, 12);
  });

  for (const dtype of ['f32', 'f64'] as const) {
    for (const [Kind, options] of [
      [AdamBf16, { weightDecay: 0.05, maximize: true }],
      [AdamWBf16, { weightDecay: 0.05 }],
      [AdamWBf16, { weightDecay: 0.05, stochasticRounding: true }],
    ] as const) {
      const sr = 'stochasticRounding' in options ? ', stochastic rounding' : '';
      it(`runs the fused kernel bit-identically to the plain reference (${Kind.name}${sr}, ${dtype})`, () => {
        const n = 333; // odd: the last f64 word holds one element's m and v
        const run = (impl: 'fused' | 'reference') => {
          const init = Array.from({ length: n }, (_, i) => 0.8 * Math.sin(0.37 * i + 0.2));
          const w = param(dtype === 'f32' ? Float32Array.from(init) : Float64Array.from(init), { name: 'w' });
          const opt = new Kind([w], { impl, lr: 0.02, ...options });
          for (let t = 1; t <= 25; t++) {
            for (let i = 0; i < n; i++) w.grad[i] = Math.sin(w.data[i] * 3 + t) * 10 ** ((i % 5) - 2);
            opt.step();
          }
          return { w: w.data.slice(), moments: opt.stateDict().state[0].moments as Float32Array };
        };
        const fused = run('fused');
        const ref = run('reference');
        expectIdentical(fused.w, ref.w, 'θ');
        expectIdentical(fused.moments, ref.moments, 'moments');
      });
    }
  }

  it('stays bit-identical to the reference for gradients from 1e-30 to 1e30, zeros and subnormal moments (f32)', () => {
    const n = 4 * 61 + 3;
    const run = (impl: 'fused' | 'reference') => {
      const w = param(
        Float32Array.from({ length: n }, (_, i) => Math.cos(i)),
        { name: 'w' },
      );
      const opt = new AdamWBf16([w], { impl, lr: 1e-3 });
      for (let t = 1; t <= 6; t++) {
        for (let i = 0; i < n; i++) w.grad[i] = i % 7 === 0 ? 0 : Math.sin(i * t) * 10 ** ((i % 61) - 30);
        opt.step();
      }
      return { w: w.data.slice(), moments: opt.stateDict().state[0].moments as Float32Array };
    };
    const fused = run('fused');
    const ref = run('reference');
    expectIdentical(fused.w, ref.w, 'θ');
    expectIdentical(
      new Uint32Array(fused.moments.buffer),
      new Uint32Array(ref.moments.buffer),
      'moment bits',
    );
  });

  describe('the stall on Booth and stochastic rounding', () => {
    const booth = getProblem('booth');
    /** The median of f over steps 4001..5000 of AdamW(-bf16) at lr 0.5 from (0, 0). */
    const floor = (make: (x: ReturnType<typeof param>) => { step(): unknown }) => {
      const x = param(Float64Array.from(booth.x0));
      const opt = make(x);
      const g = new Float64Array(2);
      const fs: number[] = [];
      for (let t = 1; t <= 5000; t++) {
        booth.grad(x.data, g);
        x.grad.set(g);
        opt.step();
        if (t > 4000) fs.push(booth.f(x.data));
      }
      return fs.sort((a, b) => a - b)[fs.length >> 1];
    };

    it('cannot decay v by 0.1% a step with round-to-nearest: bf16(0.999 v) is v', () => {
      for (const v of [1e-6, 0.37, 1, 3.3, 250]) {
        const b = roundBf16(v);
        expect(roundBf16(0.999 * b)).toBe(b);
        expect(roundBf16(0.99 * b)).toBeLessThan(b); // β2 = 0.99 would still decay
      }
    });

    it('stalls AdamW-bf16 at f ≈ 3e-4 with round-to-nearest; stochastic rounding reaches the f32 floor', () => {
      const f32 = floor((x) => new AdamW([x], { lr: 0.5 }));
      const nearest = floor((x) => new AdamWBf16([x], { lr: 0.5 }));
      const stochastic = floor((x) => new AdamWBf16([x], { lr: 0.5, stochasticRounding: true }));
      // measured: AdamW 5.0e-6, AdamWBf16 3.1e-4 (nearest), 6.0e-6 (stochastic)
      const all = `AdamW ${f32}, nearest ${nearest}, stochastic ${stochastic}`;
      expect(nearest, all).toBeGreaterThan(1e-4);
      expect(nearest, all).toBeGreaterThan(30 * f32);
      expect(stochastic, all).toBeLessThan(3 * f32);
    });

    it('resumes a stochastically rounded run bit-identically (the random bits hash the step)', () => {
      const run = (split: boolean) => {
        const x = param(Float32Array.of(0, 0));
        const options = { lr: 0.1, stochasticRounding: true };
        let opt = new AdamWBf16([x], options);
        const g = new Float64Array(2);
        for (let t = 1; t <= 40; t++) {
          if (split && t === 21) {
            const sd = structuredClone(opt.stateDict());
            opt = new AdamWBf16([x], options);
            opt.loadStateDict(sd);
          }
          booth.grad(Float64Array.from(x.data), g);
          x.grad.set(g);
          opt.step();
        }
        return x.data.slice();
      };
      expectIdentical(run(true), run(false), 'θ');
    });
  });

  it('rejects invalid options naming them, and a moments array of the wrong length', () => {
    const w = param(new Float32Array(4));
    expect(() => new AdamWBf16([w], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new AdamWBf16([w], { amsgrad: true } as never)).toThrow(/Unknown AdamWBf16 option: amsgrad/);
    expect(() => new AdamWBf16([w], { stochasticRounding: 1 as never })).toThrow(
      'Invalid stochasticRounding value: 1 (expected true or false)',
    );
    const opt = new AdamWBf16([w]);
    w.grad.fill(1);
    opt.step();
    const sd = structuredClone(opt.stateDict());
    sd.state[0].moments = new Float32Array(3);
    expect(() => opt.loadStateDict(sd)).toThrow("state 'moments' of");
  });
});
