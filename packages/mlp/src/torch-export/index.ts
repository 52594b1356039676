// Handing models and optimizer state to PyTorch: nn.Sequential state dicts in safetensors.
export {
  loadTorchSafetensors,
  loadTorchStateDict,
  saveTorchSafetensors,
  sequentialToTorchStateDict,
} from './state-dict.js';
