// @descent/mlp: layers, losses, the training loop, checkpoints, datasets and diagnostics.

export type { BatchSizeOption, LrDecayBatchSize, NormTestBatchSize } from './batch-schedule.js';
export { type Batch, BatchLoader, type Dataset } from './batches.js';
export * from './checkpoint.js';
export * from './checkpoint-safetensors.js';
export * from './datasets/index.js';
export * from './diagnostics/index.js';
export { type EvaluateOptions, type Evaluation, evaluate, predict } from './evaluate.js';
export * from './fit.js';
export * from './flat-minima.js';
export * from './flat-minima-experiment.js';
export * from './layers/activations.js';
export * from './layers/batch-norm.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export * from './layers/dropout.js';
export { checkInit, type InitScheme, initDense } from './layers/init.js';
export type { Layer, LayerConfig } from './layers/layer.js';
export { checkParameterMemory, parameterBytes, WASM_MEMORY_LIMIT } from './layers/memory.js';
export * from './layers/sequential.js';
export * from './losses/losses.js';
export * from './mlp.js';
export * from './onnx/index.js';
export { deriveSeed, Rng } from './random.js';
export * from './safetensors.js';
export * from './torch-export/index.js';
