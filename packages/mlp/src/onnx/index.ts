// ONNX: export a Sequential for ONNX Runtime; import an ONNX MLP (torch.onnx.export's, say).
export { type OnnxExportOptions, saveOnnx, sequentialToOnnx } from './export.js';
export { loadOnnx, type OnnxImport, type OnnxImportOptions, sequentialFromOnnx } from './import.js';
export { decodeOnnx, encodeOnnx, type OnnxModel } from './schema.js';
