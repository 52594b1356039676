/**
 * The relaxed-SIMD (FMA) build of @descent/kernels against the plain SIMD build, one thread each,
 * in the same run: sgemm n = 512 and 1024 (target: relaxed >= 1.3x plain), and informational lines:
 * dgemm n = 512, a conv2d layer's forward + backward, an MLP training step. The build is chosen once per
 * process, so each side runs in a child process (../relaxed-simd-child.ts) with DESCENT_SIMD set
 * and DESCENT_THREADS=1, under `node --experimental-wasm-relaxed-simd` on Node 20 (Node >= 22 has
 * relaxed SIMD by default) so that only the build differs. The children alternate, ROUNDS each;
 * a side's time per case is the median of its rounds (each round's own figure is a median of CPU
 * time per call). The machine's load average is printed with the results.
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
const child = join(dirname(fileURLToPath(import.meta.url)), '..', 'relaxed-simd-child.js');
const nodeMajor = Number(process.versions.node.split('.')[0]);

interface ChildResult {
  build: string;
  fused: boolean;
  cases: Record<string, number>;
}

function runChild(build: 'plain' | 'relaxed'): ChildResult {
  const flags = nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
  const out = execFileSync(process.execPath, [...flags, child], {
    env: { ...process.env, DESCENT_SIMD: build, DESCENT_THREADS: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const line = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildResult;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

export async function run(): Promise<void> {
  const load0 = loadavg()[0];
  const results: Record<'plain' | 'relaxed', ChildResult[]> = { plain: [], relaxed: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const build of ['plain', 'relaxed'] as const) results[build].push(runChild(build));
  const fused = results.relaxed.every((r) => r.fused);
  console.log(
    `  relaxed build fuses multiply-adds: ${fused}; plain build: ${results.plain.some((r) => r.fused) ? 'fused (unexpected)' : 'not fused'}`,
  );
  console.log(
    `  times: CPU seconds per call, median of ${ROUNDS} child processes per side (each a median of 5 batches); load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`,
  );
  for (const name of Object.keys(results.plain[0].cases)) {
    const side = (build: 'plain' | 'relaxed'): Timing => ({
      name: `descent ${build} SIMD`,
      seconds: median(results[build].map((r) => r.cases[name])),
    });
    const target = name.startsWith('sgemm') ? [{ peer: 'descent plain SIMD', atLeast: 1.3 }] : [];
    report(`${name} (1 thread)`, side('relaxed'), [side('plain')], target);
    if (name.includes('gemm n =')) {
      const n = Number(name.split('= ')[1]);
      const gf = (b: 'plain' | 'relaxed') => (2 * n ** 3) / side(b).seconds / 1e9;
      console.log(`  GFLOP/s: relaxed ${gf('relaxed').toFixed(1)}, plain ${gf('plain').toFixed(1)}`);
    }
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
