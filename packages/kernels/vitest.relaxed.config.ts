import { defineConfig } from 'vitest/config';

/**
 * The relaxed-SIMD (FMA) build under test: the gemm, conv and NN tests, and the build-against-build
 * comparison, in Node with relaxed SIMD enabled (Node 20 behind --experimental-wasm-relaxed-simd,
 * passed only there: Node >= 22 has it by default) and `DESCENT_SIMD=relaxed`, so `wasm()` loads the
 * relaxed build or fails loudly. `pnpm test` runs this after the default suite.
 */
const nodeMajor = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    include: [
      'src/relaxed-simd.test.ts',
      'src/relaxed-bytes.test.ts',
      'src/gemm.test.ts',
      'src/gemm-batched.test.ts',
      'src/threads/gemm-threads.test.ts',
      'src/threads/nn-threads-elementwise.test.ts',
      'src/threads/nn-threads-rows.test.ts',
      'src/threads/nn-threads-pool-conv.test.ts',
      'src/threads/eigh-threads.test.ts',
      'src/threads/program.test.ts',
      'src/conv.test.ts',
      'src/nn.test.ts',
      'src/nn-accuracy.test.ts',
      'src/softmax.test.ts',
      'src/losses.test.ts',
    ],
    testTimeout: 60_000,
    env: { DESCENT_SIMD: 'relaxed' },
    execArgv: nodeMajor < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
  },
});
