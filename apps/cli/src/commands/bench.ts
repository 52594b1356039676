/**
 * `descent bench`: a quick throughput check of the SIMD WebAssembly paths against the same
 * arithmetic in plain JavaScript, measured side by side in this process (ratios, not absolute
 * times, are what carry over between machines). The full suites with TF.js peers are in
 * packages/bench.
 */
import { Adam, param } from '@descent/core';
import { backendInfo, dot, fromArray, gemm, matrix, matrixFrom } from '@descent/kernels';
import type { Command } from 'commander';
import { z } from 'zod';
import { common, num, readSettings, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { renderTable } from '../report/table.js';

/** Median seconds per call of `fn`, over repetitions filling about `budget` seconds. */
function secondsPerCall(fn: () => void, budget: number): number {
  fn();
  const samples: number[] = [];
  const end = performance.now() + budget * 1000;
  do {
    const t = performance.now();
    fn();
    samples.push((performance.now() - t) / 1000);
  } while (performance.now() < end || samples.length < 3);
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

interface Case {
  name: string;
  unit: string;
  work: number;
  wasm: () => void;
  js: () => void;
  free: () => void;
}

function cases(): Case[] {
  const n = 1 << 20;
  const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const ys = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
  const x = fromArray(xs);
  const y = fromArray(ys);
  let sink = 0;
  const m = 192;
  const a = Float32Array.from({ length: m * m }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: m * m }, (_, i) => Math.cos(i));
  const A = matrixFrom(m, m, a);
  const B = matrixFrom(m, m, b);
  const C = matrix('f32', m, m);
  const c = new Float32Array(m * m);
  const k = 1 << 18;
  const w = param(Float32Array.from({ length: k }, (_, i) => Math.sin(i)));
  w.grad.set(Float32Array.from({ length: k }, (_, i) => Math.cos(i) * 1e-2));
  const adam = new Adam([w], { lr: 1e-3 });
  const jw = Float32Array.from({ length: k }, (_, i) => Math.sin(i));
  const jg = Float32Array.from({ length: k }, (_, i) => Math.cos(i) * 1e-2);
  const jm = new Float32Array(k);
  const jv = new Float32Array(k);
  let jt = 0;
  return [
    {
      name: `dot, ${n} f32`,
      unit: 'Melem/s',
      work: n / 1e6,
      wasm: () => {
        sink += dot(x, y);
      },
      js: () => {
        let s = 0;
        for (let i = 0; i < n; i++) s += xs[i] * ys[i];
        sink += s;
      },
      free: () => {
        x.free();
        y.free();
      },
    },
    {
      name: `gemm ${m}x${m}x${m} f32`,
      unit: 'GFLOP/s',
      work: (2 * m * m * m) / 1e9,
      wasm: () => gemm(A, B, C),
      js: () => {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < m; j++) c[i * m + j] = 0;
          for (let p = 0; p < m; p++) {
            const aip = a[i * m + p];
            for (let j = 0; j < m; j++) c[i * m + j] += aip * b[p * m + j];
          }
        }
      },
      free: () => {
        A.data.free();
        B.data.free();
        C.data.free();
      },
    },
    {
      name: `Adam step, ${k} f32 params`,
      unit: 'Mparam/s',
      work: k / 1e6,
      wasm: () => adam.step(),
      js: () => {
        jt++;
        const b1 = 0.9;
        const b2 = 0.999;
        const c1 = 1 - b1 ** jt;
        const c2 = 1 - b2 ** jt;
        for (let i = 0; i < k; i++) {
          const g = jg[i];
          jm[i] = b1 * jm[i] + (1 - b1) * g;
          jv[i] = b2 * jv[i] + (1 - b2) * g * g;
          jw[i] -= (1e-3 * (jm[i] / c1)) / (Math.sqrt(jv[i] / c2) + 1e-8);
        }
      },
      free: () => {
        adam.resetState();
        w.free();
        if (sink === 0.5) console.log('');
      },
    },
  ];
}

/** What bench does when a flag is not given (its --help says the same; main.test checks). */
export const benchDefaults = { budget: 0.3 };

export function registerBench(program: Command): void {
  const cmd = program
    .command('bench')
    .description('quick throughput of the SIMD WebAssembly kernels and optimizers vs plain JavaScript')
    .option('--budget <seconds>', `time spent per measurement (default ${benchDefaults.budget})`);
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText('after', '\nExample:\n  $ descent bench --budget 0.5 --json')
    .action(() => {
      const s = readSettings(cmd, z.object({ ...common, budget: num('budget').optional() }));
      const budget = Math.max(0.01, s.budget ?? benchDefaults.budget);
      const results = cases().map((c) => {
        const wasm = secondsPerCall(c.wasm, budget);
        const js = secondsPerCall(c.js, budget);
        c.free();
        return { name: c.name, unit: c.unit, wasm: c.work / wasm, js: c.work / js, speedup: js / wasm };
      });
      if (s.json) {
        console.log(JSON.stringify(results, null, 2));
        return;
      }
      console.log(
        renderTable(
          ['operation', 'unit', 'wasm SIMD', 'plain JS', 'speed-up'],
          results.map((r) => [
            r.name,
            r.unit,
            Number(r.wasm.toPrecision(4)),
            Number(r.js.toPrecision(4)),
            `${r.speedup.toFixed(2)}x`,
          ]),
        ),
      );
      if (!s.quiet) {
        console.log('Timings are medians in this process; the ratios are what carry over between machines.');
        const b = backendInfo();
        console.log(
          `Kernels: ${b.threads} thread${b.threads > 1 ? 's' : ''} (this gemm and Adam are large enough to be split), ${b.simd} SIMD; see descent info.`,
        );
      }
    });
}
