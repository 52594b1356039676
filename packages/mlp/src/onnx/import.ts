/**
 * An ONNX MLP (from torch.onnx.export, descent's own export, or any tool) as a Sequential, so a
 * model trained elsewhere can be fine-tuned or analysed here. The graph must be one chain from its
 * input to its output; each step along it becomes a layer:
 *
 *   Gemm(x, B, C; alpha, beta, transB)   Dense: W = alpha·B (transB=1) or alpha·Bᵀ, b = beta·C
 *   MatMul(x, B) [+ Add(·, c)]           Dense: W = Bᵀ (B is [in, out]), b = c
 *   BatchNormalization(x, γ, β, mean, var; epsilon, momentum)
 *                                        BatchNorm1d(eps = epsilon, momentum = 1 - momentum)
 *   Relu, Tanh, Sigmoid, LeakyRelu(alpha), Gelu(approximate)      the activation layers
 *   Div(x, √2) -> Erf -> Add 1 -> Mul x -> Mul 0.5                GELU (torch's form below opset 20)
 *   Dropout, Identity                    nothing (inference graphs)
 *   Softmax as the last node             dropped; `softmax: true` in the result (the Sequential
 *                                        outputs logits, as descent's losses expect)
 *
 * Weights are constants (initializers or Constant nodes), FLOAT or DOUBLE. The whole graph is read
 * and checked before any layer is allocated: an unsupported operator, a branch, a missing weight or
 * a shape that does not chain throws a TypeError / RangeError naming the node, and nothing is built.
 */
import type { DType } from '@descent/kernels';
import { Activation, type ActivationName } from '../layers/activations.js';
import { BatchNorm1d } from '../layers/batch-norm.js';
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../layers/sequential.js';
import {
  decodeOnnx,
  ONNX_DOUBLE,
  ONNX_FLOAT,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from './schema.js';

export interface OnnxImportOptions {
  /** The model's dtype (default: 'f64' when the weights are DOUBLE, else 'f32'). */
  dtype?: DType;
}

export interface OnnxImport {
  model: Sequential;
  /** The graph ended with a Softmax (dropped: `model` outputs its logits). */
  softmax: boolean;
  /** The ONNX model's opset and producer, for the record. */
  opset: number;
  producer: string;
}

interface Constant {
  data: Float64Array;
  dims: number[];
  float: boolean;
}

type Spec =
  | { kind: 'dense'; inF: number; outF: number; W: Float64Array; b?: Float64Array }
  | {
      kind: 'bn';
      F: number;
      gamma: Float64Array;
      beta: Float64Array;
      mean: Float64Array;
      variance: Float64Array;
      eps: number;
      momentum: number;
    }
  | { kind: 'act'; type: ActivationName; negativeSlope?: number; approximate?: 'none' | 'tanh' };

const SUPPORTED =
  'Gemm, MatMul + Add, BatchNormalization, Relu, Tanh, Sigmoid, LeakyRelu, Gelu (or its Erf form), Dropout, Identity, a final Softmax';

/** A tensor's values as f64 (FLOAT or DOUBLE, raw_data or the typed fields). */
function tensorValues(t: OnnxTensor, where: string): Constant {
  const dims = (t.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.data_location === 1) throw new TypeError(`${where}: external tensor data is not supported`);
  const float = t.data_type === ONNX_FLOAT;
  if (!float && t.data_type !== ONNX_DOUBLE) {
    throw new TypeError(`${where}: data type ${String(t.data_type)} (FLOAT and DOUBLE weights are read)`);
  }
  let data: Float64Array;
  if (t.raw_data && t.raw_data.length > 0) {
    const bytes = new Uint8Array(t.raw_data); // a copy: a decoded Buffer may view a shared pool
    const size = float ? 4 : 8;
    if (bytes.length !== count * size) {
      throw new RangeError(
        `${where}: raw_data has ${bytes.length} bytes, dims [${dims}] need ${count * size}`,
      );
    }
    data = Float64Array.from(float ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer));
  } else {
    const values = (float ? t.float_data : t.double_data) ?? [];
    if (values.length !== count)
      throw new RangeError(`${where}: ${values.length} values, dims [${dims}] need ${count}`);
    data = Float64Array.from(values);
  }
  return { data, dims, float };
}

function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}
/**
 * A float attribute. ONNX stores them as f32 (torch's eps 1e-5 arrives as 9.99999974e-6): the
 * shortest decimal with the same f32 is taken, so eps, alpha and momentum are the ones written.
 */
const floatAttr = (n: OnnxNode, name: string, fallback: number) => {
  const f = attr(n, name)?.f;
  if (f === undefined) return fallback;
  for (let digits = 1; digits < 10; digits++) {
    const d = Number(f.toPrecision(digits));
    if (Math.fround(d) === f) return d;
  }
  return f;
};
const intAttr = (n: OnnxNode, name: string, fallback: number) => Number(attr(n, name)?.i ?? fallback);
const stringAttr = (n: OnnxNode, name: string, fallback: string) => {
  const s = attr(n, name)?.s;
  return s ? new TextDecoder().decode(s) : fallback;
};

const describe = (n: OnnxNode) => `node ${n.name || n.output?.[0] || '?'} (${n.op_type})`;

/** Wᵀ of a row-major [rows, cols] matrix. */
function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/** Reads the graph into layer specs (no allocation). */
function readGraph(graph: OnnxGraph, where: string) {
  const constants = new Map<string, Constant>();
  for (const t of graph.initializer ?? []) {
    constants.set(t.name ?? '', tensorValues(t, `${where}: initializer ${t.name}`));
  }
  const nodes = graph.node ?? [];
  for (const n of nodes) {
    if (n.op_type !== 'Constant') continue;
    const t = attr(n, 'value')?.t;
    if (!t) throw new TypeError(`${where}: ${describe(n)} has no tensor value`);
    constants.set(n.output?.[0] ?? '', tensorValues(t, `${where}: ${describe(n)}`));
  }
  const inputs = (graph.input ?? []).filter((v) => !constants.has(v.name ?? ''));
  const outputs = graph.output ?? [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new TypeError(
      `${where}: an MLP graph has one input and one output, this one has ${inputs.length} and ${outputs.length}`,
    );
  }
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of nodes) {
    if (n.op_type === 'Constant') continue;
    for (const i of n.input ?? []) if (!constants.has(i)) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const constant = (n: OnnxNode, k: number, what: string): Constant => {
    const name = n.input?.[k];
    const c = name === undefined ? undefined : constants.get(name);
    if (!c)
      throw new TypeError(`${where}: ${describe(n)}: its ${what} (${String(name)}) is not a constant weight`);
    return c;
  };
  const scalar = (n: OnnxNode, value: number, other: string): boolean => {
    const k = n.input?.findIndex((i) => i !== other) ?? -1;
    const c = k < 0 ? undefined : constants.get(n.input?.[k] as string);
    return !!c && c.data.length === 1 && Math.abs(c.data[0] - value) <= 1e-6 * Math.abs(value);
  };
  const only = (value: string): OnnxNode | undefined => {
    const cs = consumers.get(value) ?? [];
    return cs.length === 1 ? cs[0] : undefined;
  };

  const specs: Spec[] = [];
  const used = new Set<OnnxNode>();
  let softmax = false;
  let current = inputs[0].name as string;
  const declared = inputs[0].type?.tensor_type?.shape?.dim;
  let features = declared?.length === 2 && declared[1].dim_value ? Number(declared[1].dim_value) : undefined;
  let isFloat = true;
  const chain = (n: OnnxNode, inF: number | undefined, outF: number) => {
    if (features !== undefined && inF !== undefined && inF !== features) {
      throw new RangeError(
        `${where}: ${describe(n)} takes ${inF} features, the layer before gives ${features}`,
      );
    }
    features = outF;
  };
  for (;;) {
    const next = consumers.get(current) ?? [];
    if (next.length === 0) break;
    if (softmax) throw new TypeError(`${where}: Softmax is only supported as the last node`);
    const gelu = next.find((n) => n.op_type === 'Div');
    const n = gelu ?? next[0];
    if (!gelu && next.length > 1) {
      throw new TypeError(
        `${where}: the graph branches at ${current} (${next.map(describe).join(', ')}): not an MLP chain`,
      );
    }
    const op = n.op_type ?? '';
    used.add(n);
    let out = n.output?.[0] as string;
    if (op === 'Gemm') {
      if (n.input?.[0] !== current)
        throw new TypeError(`${where}: ${describe(n)}: the input must be its first operand`);
      if (intAttr(n, 'transA', 0) !== 0)
        throw new TypeError(`${where}: ${describe(n)}: transA=1 is not supported`);
      const B = constant(n, 1, 'weight');
      if (B.dims.length !== 2) throw new RangeError(`${where}: ${describe(n)}: the weight is not a matrix`);
      const transB = intAttr(n, 'transB', 0) === 1;
      const [outF, inF] = transB ? B.dims : [B.dims[1], B.dims[0]];
      const W = (transB ? B.data.slice() : transpose(B.data, B.dims[0], B.dims[1])).map(
        (v) => v * floatAttr(n, 'alpha', 1),
      );
      let b: Float64Array | undefined;
      if ((n.input?.length ?? 0) > 2 && n.input?.[2]) {
        const C = constant(n, 2, 'bias');
        if (C.data.length !== outF && C.data.length !== 1)
          throw new RangeError(`${where}: ${describe(n)}: the bias has ${C.data.length} values, not ${outF}`);
        const beta = floatAttr(n, 'beta', 1);
        b = new Float64Array(outF).map((_, i) => beta * C.data[C.data.length === 1 ? 0 : i]);
      }
      isFloat &&= B.float;
      chain(n, inF, outF);
      specs.push({ kind: 'dense', inF, outF, W, b });
    } else if (op === 'MatMul') {
      if (n.input?.[0] !== current)
        throw new TypeError(`${where}: ${describe(n)}: the input must be on the left`);
      const B = constant(n, 1, 'weight');
      if (B.dims.length !== 2) throw new RangeError(`${where}: ${describe(n)}: the weight is not a matrix`);
      const [inF, outF] = B.dims;
      let b: Float64Array | undefined;
      const add = only(out);
      if (add?.op_type === 'Add') {
        const k = add.input?.[0] === out ? 1 : 0;
        const C = constant(add, k, 'bias');
        if (C.data.length !== outF)
          throw new RangeError(
            `${where}: ${describe(add)}: the bias has ${C.data.length} values, not ${outF}`,
          );
        b = C.data;
        used.add(add);
        out = add.output?.[0] as string;
      }
      isFloat &&= B.float;
      chain(n, inF, outF);
      specs.push({ kind: 'dense', inF, outF, W: transpose(B.data, inF, outF), b });
    } else if (op === 'BatchNormalization') {
      if (intAttr(n, 'training_mode', 0) !== 0)
        throw new TypeError(`${where}: ${describe(n)}: training_mode=1 is not an inference graph`);
      const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k) =>
        constant(n, k, ['', 'scale', 'bias', 'mean', 'var'][k]),
      );
      const F = mean.data.length;
      for (const c of [gamma, beta, variance]) {
        if (c.data.length !== F)
          throw new RangeError(
            `${where}: ${describe(n)}: parameters of different lengths (${c.data.length}, ${F})`,
          );
      }
      chain(n, F, F);
      specs.push({
        kind: 'bn',
        F,
        gamma: gamma.data,
        beta: beta.data,
        mean: mean.data,
        variance: variance.data,
        eps: floatAttr(n, 'epsilon', 1e-5),
        momentum: 1 - floatAttr(n, 'momentum', 0.9),
      });
    } else if (op === 'Relu' || op === 'Tanh' || op === 'Sigmoid') {
      specs.push({ kind: 'act', type: op.toLowerCase() as ActivationName });
    } else if (op === 'LeakyRelu') {
      specs.push({ kind: 'act', type: 'leakyRelu', negativeSlope: floatAttr(n, 'alpha', 0.01) });
    } else if (op === 'Gelu') {
      const approximate = stringAttr(n, 'approximate', 'none');
      if (approximate !== 'none' && approximate !== 'tanh')
        throw new TypeError(`${where}: ${describe(n)}: approximate=${approximate}`);
      specs.push({ kind: 'act', type: 'gelu', approximate });
    } else if (op === 'Div') {
      // x / √2 -> Erf -> + 1 -> x · -> · 0.5   (torch's exact GELU below opset 20)
      const erf = only(out);
      const add = erf && only(erf.output?.[0] as string);
      const mul = add && only(add.output?.[0] as string);
      const half = mul && only(mul.output?.[0] as string);
      const ok =
        next.length === 2 &&
        scalar(n, Math.SQRT2, current) &&
        erf?.op_type === 'Erf' &&
        add?.op_type === 'Add' &&
        scalar(add, 1, erf.output?.[0] as string) &&
        mul?.op_type === 'Mul' &&
        next.includes(mul) &&
        mul.input?.includes(current) &&
        half?.op_type === 'Mul' &&
        scalar(half, 0.5, mul.output?.[0] as string);
      if (!ok)
        throw new TypeError(`${where}: ${describe(n)} is not part of a GELU (supported: ${SUPPORTED})`);
      for (const m of [erf, add, mul, half]) used.add(m as OnnxNode);
      out = half?.output?.[0] as string;
      specs.push({ kind: 'act', type: 'gelu', approximate: 'none' });
    } else if (op === 'Softmax') {
      const axis = intAttr(n, 'axis', -1);
      if (axis !== -1 && axis !== 1)
        throw new TypeError(`${where}: ${describe(n)}: Softmax over axis ${axis}`);
      softmax = true;
    } else if (op === 'Dropout' || op === 'Identity') {
      // the identity at inference
    } else {
      throw new TypeError(`${where}: ${describe(n)}: unsupported operator ${op} (supported: ${SUPPORTED})`);
    }
    current = out;
  }
  if (current !== outputs[0].name) {
    throw new TypeError(
      `${where}: the chain from the input ends at ${current}, not at the output ${outputs[0].name}`,
    );
  }
  for (const n of nodes) {
    if (n.op_type !== 'Constant' && !used.has(n))
      throw new TypeError(`${where}: ${describe(n)} is not on the chain`);
  }
  if (!specs.some((s) => s.kind !== 'act') && features === undefined) {
    throw new TypeError(`${where}: the graph has no Dense or BatchNorm layer and no input width`);
  }
  return { specs, softmax, isFloat, inputFeatures: features };
}

/** The Sequential (and whether a final Softmax was dropped) of an ONNX MLP's bytes. */
export function sequentialFromOnnx(
  bytes: Uint8Array,
  options: OnnxImportOptions = {},
  where = 'ONNX model',
): OnnxImport {
  const model = decodeOnnx(bytes, where);
  if (!model.graph) throw new TypeError(`${where}: no graph`);
  const opset = model.opset_import?.find((o) => !o.domain)?.version ?? 0;
  const { specs, softmax, isFloat } = readGraph(model.graph, where);
  const dtype = options.dtype ?? (isFloat ? 'f32' : 'f64');
  if (dtype !== 'f32' && dtype !== 'f64')
    throw new RangeError(`Invalid dtype: ${String(dtype)} (expected 'f32' or 'f64')`);
  // widths of the activations: the features of the layer before (or after, at the start)
  const widths: number[] = [];
  let w: number | undefined;
  for (const s of specs) {
    if (s.kind === 'dense') w = s.outF;
    else if (s.kind === 'bn') w = s.F;
    widths.push(w ?? 0);
  }
  let first = specs.find((s) => s.kind !== 'act');
  const start = first?.kind === 'dense' ? first.inF : first?.kind === 'bn' ? first.F : 0;
  for (let i = 0; i < widths.length && widths[i] === 0; i++) widths[i] = start;
  first = undefined;
  const layers: Layer[] = [];
  try {
    specs.forEach((s, i) => {
      if (s.kind === 'dense') {
        const d = new Dense(s.inF, s.outF, { bias: s.b !== undefined, dtype });
        layers.push(d);
        d.weight.data.set(s.W);
        if (s.b) d.bias?.data.set(s.b);
      } else if (s.kind === 'bn') {
        const b = new BatchNorm1d(s.F, { eps: s.eps, momentum: s.momentum, dtype });
        layers.push(b);
        b.weight?.data.set(s.gamma);
        b.bias?.data.set(s.beta);
        b.runningMean.data.set(s.mean);
        b.runningVar.data.set(s.variance);
      } else {
        layers.push(
          new Activation(s.type, widths[i], {
            dtype,
            negativeSlope: s.negativeSlope,
            approximate: s.approximate,
          }),
        );
      }
    });
    const out = new Sequential(layers);
    out.eval();
    return { model: out, softmax, opset, producer: model.producer_name ?? '' };
  } catch (e) {
    for (const l of layers) l.free();
    throw e;
  }
}

/** Reads an ONNX file (Node) with `sequentialFromOnnx`. */
export async function loadOnnx(path: string, options: OnnxImportOptions = {}): Promise<OnnxImport> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(path);
  return sequentialFromOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), options, path);
}
