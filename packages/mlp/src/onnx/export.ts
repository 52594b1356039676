/**
 * A trained Sequential as an ONNX model (for ONNX Runtime, in Node, the browser or a server), in
 * evaluation mode — each layer becomes the ONNX operator that computes the same thing:
 *
 *   Dense           Gemm(x, W, b, transB=1)          y = x Wᵀ + b, W [out, in] as stored
 *   BatchNorm1d     BatchNormalization(x, γ, β, running_mean, running_var, epsilon=ε)
 *                                                    y = γ (x - mean) / √(var + ε) + β
 *   ReLU / Tanh / Sigmoid / LeakyReLU(s)   Relu / Tanh / Sigmoid / LeakyRelu(alpha=s)
 *   GELU            Gelu(approximate) (opset 20; the model's opset is then 20)
 *   Dropout         nothing (the identity in eval mode)
 *   softmax: true   a final Softmax(axis=-1): probabilities instead of logits
 *
 * The input is `input` [batch, inFeatures] and the output `output` [batch, outFeatures], with a
 * symbolic batch dimension; the element type is the model's (FLOAT for f32, DOUBLE for f64).
 * Opset 17 by default (20 when the model has a GELU); IR version 8.
 */
import { Activation } from '../layers/activations.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import type { Sequential } from '../layers/sequential.js';
import {
  ATTR_FLOAT,
  ATTR_INT,
  encodeOnnx,
  ONNX_DOUBLE,
  ONNX_FLOAT,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './schema.js';

export interface OnnxExportOptions {
  /** End with Softmax(axis=-1), so the model outputs probabilities (default false: logits). */
  softmax?: boolean;
  /** The default opset: 17, or 20 when the model has a GELU (ONNX's Gelu operator). */
  opset?: number;
  /** Graph input and output names (default 'input' and 'output'). */
  inputName?: string;
  outputName?: string;
}

const PRODUCER = 'descent';

/** An initializer from a typed array: raw little-endian bytes. */
function initializer(name: string, data: Float32Array | Float64Array, dims: number[]): OnnxTensor {
  return {
    name,
    dims,
    data_type: data instanceof Float32Array ? ONNX_FLOAT : ONNX_DOUBLE,
    raw_data: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  };
}

const floatAttr = (name: string, f: number): OnnxAttribute => ({ name, type: ATTR_FLOAT, f });
const intAttr = (name: string, i: number): OnnxAttribute => ({ name, type: ATTR_INT, i });
const stringAttr = (name: string, s: string): OnnxAttribute => ({
  name,
  type: 3,
  s: new TextEncoder().encode(s),
});

/** The ONNX protobuf bytes of `model` in eval mode. */
export function sequentialToOnnx(model: Sequential, options: OnnxExportOptions = {}): Uint8Array {
  const { softmax = false, inputName = 'input', outputName = 'output' } = options;
  if (typeof softmax !== 'boolean')
    throw new RangeError(`Invalid softmax: ${String(softmax)} (expected a boolean)`);
  for (const [k, v] of [
    ['inputName', inputName],
    ['outputName', outputName],
  ]) {
    if (typeof v !== 'string' || v === '')
      throw new RangeError(`Invalid ${k}: ${String(v)} (expected a name)`);
  }
  const hasGelu = model.layers.some((l) => l.type === 'gelu');
  const opset = options.opset ?? (hasGelu ? 20 : 17);
  if (!Number.isInteger(opset) || opset < 17 || opset > 21) {
    throw new RangeError(`Invalid opset: ${String(opset)} (expected an integer in [17, 21])`);
  }
  if (hasGelu && opset < 20)
    throw new RangeError(`Invalid opset: ${opset} (GELU needs ONNX's Gelu, opset >= 20)`);
  const elemType = model.dtype === 'f32' ? ONNX_FLOAT : ONNX_DOUBLE;
  const nodes: OnnxNode[] = [];
  const inits: OnnxTensor[] = [];
  let current = inputName;
  const add = (op: string, name: string, inputs: string[], attribute: OnnxAttribute[] = []) => {
    const output = `${name}.out`;
    nodes.push({ op_type: op, name, input: [current, ...inputs], output: [output], attribute });
    current = output;
  };
  for (const layer of model.layers) {
    if (layer instanceof Dense) {
      const { weight, bias } = layer;
      inits.push(initializer(weight.name, weight.value.toArray(), [layer.outFeatures, layer.inFeatures]));
      if (bias) inits.push(initializer(bias.name, bias.value.toArray(), [layer.outFeatures]));
      add('Gemm', layer.name, bias ? [weight.name, bias.name] : [weight.name], [intAttr('transB', 1)]);
    } else if (layer instanceof BatchNorm1d) {
      const F = layer.inFeatures;
      const ones = model.dtype === 'f32' ? new Float32Array(F).fill(1) : new Float64Array(F).fill(1);
      const n = layer.name;
      inits.push(initializer(`${n}.weight`, layer.weight?.value.toArray() ?? ones, [F]));
      inits.push(initializer(`${n}.bias`, layer.bias?.value.toArray() ?? ones.map(() => 0), [F]));
      inits.push(initializer(`${n}.running_mean`, layer.runningMean.toArray(), [F]));
      inits.push(initializer(`${n}.running_var`, layer.runningVar.toArray(), [F]));
      add(
        'BatchNormalization',
        n,
        [`${n}.weight`, `${n}.bias`, `${n}.running_mean`, `${n}.running_var`],
        [floatAttr('epsilon', layer.eps), floatAttr('momentum', 1 - (layer.momentum ?? 0.1))],
      );
    } else if (layer instanceof Dropout) {
      // eval mode: the identity
    } else if (layer instanceof Activation) {
      const c = layer.config();
      if (layer.type === 'relu') add('Relu', layer.name, []);
      else if (layer.type === 'tanh') add('Tanh', layer.name, []);
      else if (layer.type === 'sigmoid') add('Sigmoid', layer.name, []);
      else if (layer.type === 'leakyRelu')
        add('LeakyRelu', layer.name, [], [floatAttr('alpha', c.negativeSlope as number)]);
      else add('Gelu', layer.name, [], [stringAttr('approximate', c.approximate as string)]);
    } else {
      throw new TypeError(`ONNX export: layer ${layer.name} (${layer.type}) has no ONNX operator here`);
    }
  }
  if (softmax) add('Softmax', 'softmax', [], [intAttr('axis', -1)]);
  if (nodes.length === 0) add('Identity', 'identity', []);
  nodes[nodes.length - 1].output = [outputName];
  const io = (name: string, features: number) => ({
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: [{ dim_param: 'batch' }, { dim_value: features }] },
      },
    },
  });
  return encodeOnnx({
    ir_version: 8,
    opset_import: [{ domain: '', version: opset }],
    producer_name: PRODUCER,
    graph: {
      name: 'sequential',
      node: nodes,
      initializer: inits,
      input: [io(inputName, model.inFeatures)],
      output: [io(outputName, model.outFeatures)],
    },
  });
}

/** Writes `sequentialToOnnx(model, options)` to a file (Node). */
export async function saveOnnx(
  path: string,
  model: Sequential,
  options: OnnxExportOptions = {},
): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, sequentialToOnnx(model, options));
}
