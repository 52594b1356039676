// Handing models and optimizer state to PyTorch: nn.Sequential state dicts in safetensors.

export {
  loadTorchOptimizer,
  loadTorchOptimizerState,
  optimizerToTorch,
  saveTorchOptimizer,
  TORCH_OPTIMIZER_FORMAT,
  TORCH_STATE_OPTIMIZERS,
} from './optimizer.js';
export {
  loadTorchSafetensors,
  loadTorchStateDict,
  saveTorchSafetensors,
  sequentialToTorchStateDict,
} from './state-dict.js';
export { TORCH_OPTIMIZER_CLASSES, type TrainScriptOptions, torchTrainScript } from './train-script.js';
export { type TorchExportParts, writeTorchExport } from './write.js';
