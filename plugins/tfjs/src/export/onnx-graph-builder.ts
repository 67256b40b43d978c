import {ProtobufWriter} from './protobuf-writer.js';

/** ONNX `TensorProto.DataType` values used here. */
export const OnnxType = {float: 1, int64: 7} as const;
export type OnnxTypeValue = (typeof OnnxType)[keyof typeof OnnxType];

/** A node attribute: an int, a float, or a list of ints. */
export type OnnxAttribute = number | {readonly float: number} | readonly number[];

/** A dimension of a graph input or output: fixed, or named (dynamic). */
export type OnnxDimension = number | string;

/** IR version 8 is what opset 17 shipped with (onnx 1.12); readers of that release accept nothing newer. */
const IR_VERSION = 8;
// AttributeProto.AttributeType
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/**
 * Builds one ONNX graph — initializers, nodes in topological order, typed inputs and outputs — and encodes it
 * as a `ModelProto` (field numbers from onnx.proto). Names are generated per op type so graphs stay readable
 * in viewers such as Netron.
 */
export class OnnxGraphBuilder {
  readonly #nodes: ProtobufWriter[] = [];
  readonly #initializers: ProtobufWriter[] = [];
  readonly #inputs: ProtobufWriter[] = [];
  readonly #outputs: ProtobufWriter[] = [];
  readonly #counters = new Map<string, number>();
  readonly #names = new Set<string>();

  constructor(private readonly graphName: string) {}

  /** A float32 or int64 constant; returns its name. */
  initializer(name: string, type: OnnxTypeValue, dims: readonly number[], values: Float32Array | BigInt64Array): string {
    this.#claim(name);
    const tensor = new ProtobufWriter();
    for (const dim of dims) tensor.varint(1, dim);
    tensor.varint(2, type).bytes(8, name);
    tensor.bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.#initializers.push(tensor);
    return name;
  }

  /** A float32 constant named after what it is (`scale`, `half`, …). */
  floats(name: string, dims: readonly number[], values: readonly number[]): string {
    return this.initializer(name, OnnxType.float, dims, Float32Array.from(values));
  }

  /** An int64 constant. */
  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    return this.initializer(name, OnnxType.int64, dims, BigInt64Array.from(values.map((value) => BigInt(value))));
  }

  /** Appends a node of the default domain; returns its output names (one per `outputs`, generated). */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}, outputs = 1): string[] {
    const index = this.#counters.get(opType) ?? 0;
    this.#counters.set(opType, index + 1);
    const names = Array.from({length: outputs}, (_, i) => this.#claim(`${opType.toLowerCase()}_${index}${outputs > 1 ? `_${i}` : ''}`));
    const node = new ProtobufWriter();
    for (const input of inputs) node.bytes(1, input);
    for (const output of names) node.bytes(2, output);
    node.bytes(3, `${opType}_${index}`).bytes(4, opType);
    for (const [name, value] of Object.entries(attributes)) node.message(5, attribute(name, value));
    this.#nodes.push(node);
    return names;
  }

  /** The single output of a node. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}): string {
    return this.node(opType, inputs, attributes)[0] as string;
  }

  input(name: string, type: OnnxTypeValue, dims: readonly OnnxDimension[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `source` (a node output) as a graph output under `name`, through an Identity node. */
  output(name: string, source: string, type: OnnxTypeValue, dims: readonly OnnxDimension[]): void {
    this.#claim(name);
    const node = new ProtobufWriter().bytes(1, source).bytes(2, name).bytes(3, `output_${name}`).bytes(4, 'Identity');
    this.#nodes.push(node);
    this.#outputs.push(valueInfo(name, type, dims));
  }

  /** The encoded `ModelProto`. */
  encode(options: {readonly opset: number; readonly producer: string; readonly producerVersion: string; readonly doc: string}): Uint8Array {
    const graph = new ProtobufWriter();
    for (const node of this.#nodes) graph.message(1, node);
    graph.bytes(2, this.graphName);
    for (const tensor of this.#initializers) graph.message(5, tensor);
    for (const input of this.#inputs) graph.message(11, input);
    for (const output of this.#outputs) graph.message(12, output);
    const opset = new ProtobufWriter().bytes(1, '').varint(2, options.opset);
    return new ProtobufWriter()
      .varint(1, IR_VERSION)
      .bytes(2, options.producer)
      .bytes(3, options.producerVersion)
      .bytes(6, options.doc)
      .message(7, graph)
      .message(8, opset)
      .finish();
  }

  #claim(name: string): string {
    if (this.#names.has(name)) throw new RangeError(`ONNX graph ${this.graphName}: the name ${name} is used twice`);
    this.#names.add(name);
    return name;
  }
}

function attribute(name: string, value: OnnxAttribute): ProtobufWriter {
  const proto = new ProtobufWriter().bytes(1, name);
  if (typeof value === 'number') return proto.varint(3, value).varint(20, ATTRIBUTE_INT);
  if (Array.isArray(value)) {
    for (const entry of value as readonly number[]) proto.varint(8, entry);
    return proto.varint(20, ATTRIBUTE_INTS);
  }
  return proto.float(2, (value as {readonly float: number}).float).varint(20, ATTRIBUTE_FLOAT);
}

function valueInfo(name: string, type: OnnxTypeValue, dims: readonly OnnxDimension[]): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const dim of dims) {
    shape.message(1, typeof dim === 'number' ? new ProtobufWriter().varint(1, dim) : new ProtobufWriter().bytes(2, dim));
  }
  const tensorType = new ProtobufWriter().varint(1, type).message(2, shape);
  return new ProtobufWriter().bytes(1, name).message(2, new ProtobufWriter().message(1, tensorType));
}
