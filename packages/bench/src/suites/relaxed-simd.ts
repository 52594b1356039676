/**
 * The relaxed-SIMD (FMA) build of @descent/kernels against the plain SIMD build, one thread each,
 * in the same run: sgemm n = 512 and 1024 (target: relaxed >= 1.3x plain), and informational lines:
 * dgemm n = 512, a conv2d layer's forward + backward, an MLP training step. Everything runs in child
 * processes started with `--experimental-wasm-relaxed-simd` on Node 20 (Node >= 22 has relaxed SIMD
 * by default) and DESCENT_THREADS=1:
 *   - the gemm lines in one child that holds both builds (../relaxed-simd-ab.ts) and times them in
 *     turn, sample by sample, so both see the same load; AB_ROUNDS such children;
 *   - the model lines through the public API, which loads one build per process: a child per build
 *     (../relaxed-simd-child.ts, DESCENT_SIMD=plain|relaxed), alternating, ROUNDS per build.
 * A side's time per case is the median over its children (each a median of CPU time per call).
 * The machine's load average is printed with the results.
 *
 * Also printed: the embedded size of each build (base64): a bundle carries the plain one; the relaxed
 * one is a chunk of its own, fetched only by `loadRelaxedSimd()` (kernels' relaxed-bytes.ts).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, type Timing } from '../harness.js';

const ROUNDS = 3;
const AB_ROUNDS = 3;
const here = dirname(fileURLToPath(import.meta.url));
const nodeMajor = Number(process.versions.node.split('.')[0]);

type Build = 'plain' | 'relaxed';

/** Runs a script of this package in a child with relaxed SIMD enabled; returns its last line, parsed. */
function runChild<T>(script: string, env: Record<string, string> = {}): T {
  const flags = nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
  const out = execFileSync(process.execPath, [...flags, join(here, '..', script)], {
    env: { ...process.env, DESCENT_THREADS: '1', ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as T;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

interface ModelResult {
  build: string;
  fused: boolean;
  cases: Record<string, number>;
}

export async function run(): Promise<void> {
  const load0 = loadavg()[0];
  const ab: Record<string, Record<Build, number>>[] = [];
  for (let r = 0; r < AB_ROUNDS; r++) ab.push(runChild('relaxed-simd-ab.js'));
  const models: Record<Build, ModelResult[]> = { plain: [], relaxed: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const build of ['plain', 'relaxed'] as const)
      models[build].push(runChild('relaxed-simd-child.js', { DESCENT_SIMD: build }));
  const fused = models.relaxed.every((r) => r.fused);
  const plainFused = models.plain.some((r) => r.fused);
  console.log(
    `  relaxed build fuses multiply-adds: ${fused}; plain build: ${plainFused ? 'fused (unexpected)' : 'not fused'}`,
  );
  console.log(
    `  times: CPU seconds per call; gemm: both builds in one process, in turn, median of ${AB_ROUNDS} processes; models: median of ${ROUNDS} processes per build; load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  const side = (build: Build, seconds: number): Timing => ({ name: `descent ${build} SIMD`, seconds });
  for (const name of Object.keys(ab[0])) {
    const t = (b: Build) => median(ab.map((r) => r[name][b]));
    const target = name.startsWith('sgemm') ? [{ peer: 'descent plain SIMD', atLeast: 1.3 }] : [];
    report(`${name} (1 thread)`, side('relaxed', t('relaxed')), [side('plain', t('plain'))], target);
    const n = Number(name.split('= ')[1]);
    const gf = (b: Build) => ((2 * n ** 3) / t(b) / 1e9).toFixed(1);
    console.log(`  GFLOP/s: relaxed ${gf('relaxed')}, plain ${gf('plain')}`);
  }
  for (const name of Object.keys(models.plain[0].cases)) {
    const t = (b: Build) => median(models[b].map((r) => r.cases[name]));
    report(`${name} (1 thread)`, side('relaxed', t('relaxed')), [side('plain', t('plain'))]);
  }
  const generated = join(dirname(fileURLToPath(import.meta.resolve('@descent/kernels'))), 'generated');
  const sizes = ['kernels-wasm.js', 'kernels-wasm-relaxed.js'].map((f) => {
    const kB = (statSync(join(generated, f)).size / 1024).toFixed(0);
    return `${f} ${kB} kB`;
  });
  console.log(
    `  embedded (base64): ${sizes.join(', ')}; a bundle carries the first, the second is a chunk of its own that only loadRelaxedSimd() fetches`,
  );
}
