// A minimal Protocol Buffers writer and the few ONNX messages an exported update step needs
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto with
// tensor shapes, OperatorSetIdProto, StringStringEntryProto). Written from the wire format
// (protobuf.dev, "Encoding": varints, tags = field << 3 | wire type, length-delimited fields, packed
// repeated scalars) and the field numbers of onnx/onnx.proto (IR version 8 goes with opset 17,
// docs/Versioning.md). Only writing is needed, so a dependency on a protobuf runtime would buy
// nothing: each message is a function from a plain object to bytes.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growing buffer. */
export class ProtoWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  /**
   * A raw varint. Negative values are written as their 64-bit two's complement (ten bytes), as
   * protobuf does for int64 and int32 fields; integers must be safe (|v| < 2^53).
   */
  rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf: varint ${value} is not a safe integer`);
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** An int32, int64, enum or bool field. */
  varint(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
  }

  /** A float field (fixed32, little-endian IEEE 754 single). */
  float(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.rawBytes(b);
  }

  /** A double field (fixed64). */
  double(field: number, value: number): void {
    this.tag(field, WIRE_FIXED64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.rawBytes(b);
  }

  /** A bytes or embedded-message field. */
  bytes(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(bytes.length);
    this.rawBytes(bytes);
  }

  string(field: number, text: string): void {
    this.bytes(field, utf8.encode(text));
  }

  /** A packed repeated float field: one length-delimited run of fixed32 values. */
  packedFloats(field: number, values: readonly number[]): void {
    const b = new Uint8Array(4 * values.length);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    this.bytes(field, b);
  }

  /** A packed repeated double field (fixed64 values). */
  packedDoubles(field: number, values: readonly number[]): void {
    const b = new Uint8Array(8 * values.length);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat64(8 * i, v, true));
    this.bytes(field, b);
  }

  /** A packed repeated int32/int64 field: one length-delimited run of varints. */
  packedVarints(field: number, values: readonly number[]): void {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export interface TensorProto {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  /** Row-major elements: float32 (FLOAT), float64 (DOUBLE) or integers (INT64). */
  values: readonly number[];
}

export type AttributeProto =
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'ints'; value: readonly number[] }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: TensorProto };

export interface NodeProto {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly AttributeProto[];
}

/** A dimension: a number (fixed) or a string (symbolic, dim_param). */
export type Dim = number | string;

export interface ValueInfoProto {
  name: string;
  elemType: DataType;
  /** The shape; undefined leaves the rank unknown (no shape field). */
  shape?: readonly Dim[];
  docString?: string;
}

export interface GraphProto {
  name: string;
  nodes: readonly NodeProto[];
  initializers: readonly TensorProto[];
  inputs: readonly ValueInfoProto[];
  outputs: readonly ValueInfoProto[];
  docString?: string;
}

export interface ModelProto {
  irVersion: number;
  opsetImports: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: GraphProto;
  metadata?: readonly { key: string; value: string }[];
}

// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, ints: 7 } as const;

export function encodeTensor(t: TensorProto): Uint8Array {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedVarints(1, t.dims);
  w.varint(2, t.dataType);
  if (t.values.length > 0) {
    if (t.dataType === DataType.FLOAT) w.packedFloats(4, t.values);
    else if (t.dataType === DataType.DOUBLE) w.packedDoubles(10, t.values);
    else if (t.dataType === DataType.INT64) w.packedVarints(7, t.values);
    else w.packedVarints(5, t.values); // BOOL goes in int32_data
  }
  w.string(8, t.name);
  return w.finish();
}

function encodeAttribute(a: AttributeProto): Uint8Array {
  const w = new ProtoWriter();
  w.string(1, a.name);
  w.varint(20, ATTR_TYPE[a.type]);
  switch (a.type) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.varint(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'tensor': w.bytes(5, encodeTensor(a.value)); break;
    case 'ints': w.packedVarints(8, a.value); break;
  }
  return w.finish();
}

function encodeNode(n: NodeProto): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name !== undefined) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.bytes(5, encodeAttribute(a));
  return w.finish();
}

function encodeShape(shape: readonly Dim[]): Uint8Array {
  const w = new ProtoWriter();
  for (const d of shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varint(1, d);
    else dim.string(2, d);
    w.bytes(1, dim.finish());
  }
  return w.finish();
}

function encodeValueInfo(v: ValueInfoProto): Uint8Array {
  const tensor = new ProtoWriter();
  tensor.varint(1, v.elemType);
  // An empty shape message is rank 0; no message at all is an unknown rank.
  if (v.shape !== undefined) tensor.bytes(2, encodeShape(v.shape));
  const type = new ProtoWriter();
  type.bytes(1, tensor.finish());
  const w = new ProtoWriter();
  w.string(1, v.name);
  w.bytes(2, type.finish());
  if (v.docString !== undefined) w.string(3, v.docString);
  return w.finish();
}

function encodeGraph(g: GraphProto): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.bytes(5, encodeTensor(t));
  if (g.docString !== undefined) w.string(10, g.docString);
  for (const v of g.inputs) w.bytes(11, encodeValueInfo(v));
  for (const v of g.outputs) w.bytes(12, encodeValueInfo(v));
  return w.finish();
}

/** The serialized ModelProto: the bytes of a .onnx file. */
export function encodeModel(m: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, m.irVersion);
  w.string(2, m.producerName);
  w.string(3, m.producerVersion);
  if (m.docString !== undefined) w.string(6, m.docString);
  w.bytes(7, encodeGraph(m.graph));
  for (const o of m.opsetImports) {
    const set = new ProtoWriter();
    set.string(1, o.domain);
    set.varint(2, o.version);
    w.bytes(8, set.finish());
  }
  for (const { key, value } of m.metadata ?? []) {
    const entry = new ProtoWriter();
    entry.string(1, key);
    entry.string(2, value);
    w.bytes(14, entry.finish());
  }
  return w.finish();
}
