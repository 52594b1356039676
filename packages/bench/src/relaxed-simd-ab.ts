/**
 * The gemm lines of suites/relaxed-simd.ts: both builds of the kernels in this one process (started
 * with --experimental-wasm-relaxed-simd on Node 20), each instantiated from the generated module
 * @descent/kernels ships (dist/generated/*.js) on a memory of its own, and timed in turn, sample by
 * sample, so that both see the same load. `gemm_f32` / `gemm_f64` are called directly (what the
 * typed `gemm()` calls, one thread). Prints one JSON line: { name: { plain, relaxed } } in CPU
 * seconds per call (median of SAMPLES batches each).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLES = 9;
const generated = join(dirname(fileURLToPath(import.meta.resolve('@descent/kernels'))), 'generated');

type Build = 'plain' | 'relaxed';
type Fn = (...args: number[]) => number;

function instantiate(build: Build): {
  memory: WebAssembly.Memory;
  call: (name: string, ...a: number[]) => number;
} {
  const file = build === 'plain' ? 'kernels-wasm.js' : 'kernels-wasm-relaxed.js';
  const b64 = /'([A-Za-z0-9+/=]+)'/.exec(readFileSync(join(generated, file), 'utf8'))?.[1];
  if (!b64) throw new Error(`no base64 in ${file}`);
  const module = new WebAssembly.Module(Buffer.from(b64, 'base64'));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return { memory, call: (name, ...a) => (exports[name] as Fn)(...a) };
}

/** CPU seconds of `reps` calls. */
function cpu(fn: () => unknown, reps: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const { user, system } = process.cpuUsage(t0);
  return (user + system) / 1e6;
}

function square(dtype: 'f32' | 'f64', n: number): Record<Build, number> {
  const sz = dtype === 'f32' ? 4 : 8;
  const runs = (['plain', 'relaxed'] as const).map((build) => {
    const k = instantiate(build);
    const base = k.call('heapBase');
    const scratch = k.call(`gemm_scratch_${dtype}`, n, n, n) * sz;
    const [a, b, c, s] = [base, base + n * n * sz, base + 2 * n * n * sz, base + 3 * n * n * sz];
    const need = s + scratch + 64 - k.memory.buffer.byteLength;
    if (need > 0) k.memory.grow(Math.ceil(need / 65536));
    const view = dtype === 'f32' ? new Float32Array(k.memory.buffer) : new Float64Array(k.memory.buffer);
    for (let i = 0; i < 2 * n * n; i++) view[a / sz + i] = Math.sin(i);
    return () => k.call(`gemm_${dtype}`, 0, 0, n, n, n, 1, a, b, 0, c, s);
  });
  for (const run of runs) cpu(run, 2);
  let reps = 1;
  while (cpu(runs[0], reps) < 0.1) reps *= 2;
  const per: number[][] = [[], []];
  for (let t = 0; t < SAMPLES; t++) {
    for (let i = 0; i < runs.length; i++) per[i].push(cpu(runs[i], reps) / reps);
  }
  const median = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1];
  return { plain: median(per[0]), relaxed: median(per[1]) };
}

console.log(
  JSON.stringify({
    'sgemm n = 512': square('f32', 512),
    'sgemm n = 1024': square('f32', 1024),
    'dgemm n = 512': square('f64', 512),
  }),
);
