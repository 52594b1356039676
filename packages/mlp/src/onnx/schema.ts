/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 8) that an MLP needs, encoded
 * and decoded by protobufjs. Field numbers are copied from onnx.proto; fields left out (sparse
 * tensors, functions, training info, ...) are skipped on decode, as protobuf skips unknown fields.
 *
 *   ModelProto  { ir_version, opset_import[], producer_name, graph, metadata_props[] }
 *   GraphProto  { node[], initializer[] (weights), input[], output[] }
 *   NodeProto   { op_type, input[], output[], attribute[] }
 *   TensorProto { dims[], data_type (1 FLOAT, 11 DOUBLE, 7 INT64), raw_data (little-endian) }
 */
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional int32 type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  optional int32 data_location = 14;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
`;

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_DOUBLE = 11;
/** AttributeProto.AttributeType values used here. */
export const ATTR_FLOAT = 1;
export const ATTR_INT = 2;
export const ATTR_TENSOR = 4;

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  double_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  data_location?: number;
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name?: string;
  type?: {
    tensor_type?: {
      elem_type?: number;
      shape?: { dim?: { dim_value?: number; dim_param?: string }[] };
    };
  };
}

export interface OnnxGraph {
  node?: OnnxNode[];
  name?: string;
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
}

export interface OnnxModel {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  graph?: OnnxGraph;
  metadata_props?: { key?: string; value?: string }[];
}

let modelType: protobuf.Type | undefined;

function ModelProto(): protobuf.Type {
  modelType ??= protobuf.parse(PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Serializes a ModelProto (protobufjs checks every field against the schema first). */
export function encodeOnnx(model: OnnxModel): Uint8Array {
  const type = ModelProto();
  const problem = type.verify(model);
  if (problem) throw new TypeError(`ONNX model: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** Parses a ModelProto; 64-bit integers come back as numbers. */
export function decodeOnnx(bytes: Uint8Array, where = 'ONNX model'): OnnxModel {
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`${where}: expected the file's bytes (a Uint8Array)`);
  const type = ModelProto();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new TypeError(`${where}: not an ONNX protobuf (${(e as Error).message})`);
  }
  return type.toObject(message, { longs: Number, arrays: true, defaults: false }) as OnnxModel;
}
