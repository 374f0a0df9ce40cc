/**
 * One-node ONNX models for the ONNX Runtime Web rows, serialized by hand (there is no onnx
 * package here). Only the few protobuf fields a one-node float32 graph needs are written; field
 * numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * ValueInfoProto, TypeProto.Tensor, TensorShapeProto).
 *
 * Protobuf wire format: each field is a varint key `(fieldNumber << 3) | wireType` followed by a
 * varint (wire type 0) or a varint length and that many bytes (wire type 2: strings, bytes and
 * embedded messages).
 */

/** A protobuf message under construction: append fields in any order. */
class Message {
  private readonly bytes: number[] = [];

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`onnx: varint out of range: ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  int(field: number, value: number): this {
    this.varint((field << 3) | 0);
    // int64 fields: negative values are written as 10-byte two's complement varints.
    if (value < 0) {
      const big = BigInt.asUintN(64, BigInt(value));
      let v = big;
      while (v >= 0x80n) {
        this.bytes.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.bytes.push(Number(v));
    } else {
      this.varint(value);
    }
    return this;
  }

  raw(field: number, payload: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(payload.length);
    for (const b of payload) this.bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  message(field: number, value: Message): this {
    return this.raw(field, value.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** onnx.TensorProto.DataType.FLOAT */
const FLOAT = 1;
/** onnx.AttributeProto.AttributeType.INT */
const ATTRIBUTE_INT = 2;

function valueInfo(name: string, shape: readonly number[]): Message {
  const dims = new Message();
  for (const d of shape) dims.message(1, new Message().int(1, d)); // TensorShapeProto.dim { dim_value }
  const tensorType = new Message().int(1, FLOAT).message(2, dims); // TypeProto.Tensor { elem_type, shape }
  return new Message().string(1, name).message(2, new Message().message(1, tensorType)); // ValueInfoProto { name, type { tensor_type } }
}

export interface OnnxNode {
  opType: string;
  inputs: { name: string; shape: readonly number[] }[];
  output: { name: string; shape: readonly number[] };
  /** Integer attributes, e.g. `{ axis: -1 }`. */
  intAttributes?: Record<string, number>;
}

/** The bytes of an ONNX model (IR version 8, default domain opset 13) holding one node. */
export function oneNodeModel(node: OnnxNode, opset = 13): Uint8Array {
  const nodeProto = new Message();
  for (const input of node.inputs) nodeProto.string(1, input.name);
  nodeProto.string(2, node.output.name).string(3, `${node.opType.toLowerCase()}_0`).string(4, node.opType);
  for (const [name, value] of Object.entries(node.intAttributes ?? {})) {
    nodeProto.message(5, new Message().string(1, name).int(3, value).int(20, ATTRIBUTE_INT)); // AttributeProto { name, i, type }
  }
  const graph = new Message().message(1, nodeProto).string(2, `bench_${node.opType}`);
  for (const input of node.inputs) graph.message(11, valueInfo(input.name, input.shape));
  graph.message(12, valueInfo(node.output.name, node.output.shape));
  return new Message()
    .int(1, 8) // ir_version
    .string(2, 'webgpu-nn bench') // producer_name
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, opset)) // opset_import { domain, version }
    .finish();
}
