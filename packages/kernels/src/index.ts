// @descent/kernels: SIMD WebAssembly kernels behind a typed, length-checked API.

export type { ArrayOf, DType, FloatArray } from './arena.js';
export {
  alloc,
  bytesPer,
  dtypeOf,
  fromArray,
  growMemory,
  memoryStats,
  setMemoryLimit,
  WasmArray,
} from './arena.js';
export * from './batchnorm.js';
export * from './blas1.js';
export * from './blas2.js';
export * from './cholesky.js';
export * from './conv.js';
export * from './eigh.js';
export * from './elementwise.js';
export { type GemmOptions, gemm, releaseGemmScratch } from './gemm.js';
export * from './gemm-batched.js';
export * from './index-ops.js';
export * from './lu.js';
export * from './matrix.js';
export * from './nn.js';
export * from './optim-adadelta.js';
export * from './optim-adafactor.js';
export * from './optim-adagrad.js';
export * from './optim-adam.js';
export * from './optim-adam-lowmem.js';
export * from './optim-adan.js';
export * from './optim-ademamix.js';
export * from './optim-adopt.js';
export * from './optim-dadapt-adam.js';
export * from './optim-lamb.js';
export * from './optim-lars.js';
export * from './optim-lion.js';
export * from './optim-muon.js';
export * from './optim-prodigy.js';
export * from './optim-rmsprop.js';
export * from './optim-rprop-asgd.js';
export * from './optim-schedule-free.js';
export * from './optim-sgd.js';
export * from './optim-sophia.js';
export * from './pool.js';
export * from './qr.js';
export * from './reduce.js';
export * from './regularizers.js';
export { loadRelaxedSimd } from './relaxed-bytes.js';
export * from './softmax.js';
export * from './strided.js';
export { type BackendInfo, backendInfo, setThreads, threadsReady } from './threads/config.js';
export {
  KernelProgram,
  recordedCalls,
  recordKernels,
  runKernelPrograms,
} from './threads/program.js';
export * from './transpose.js';
export { relaxedSimdSupported, type SimdBuild, setSimd, simdSupported } from './wasm.js';
