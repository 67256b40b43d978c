import {utf8} from '@codex-ml/core';
/**
 * A minimal Protocol Buffers encoder for the three wire types ONNX's messages use: varint, length-delimited
 * and 32-bit float. Messages are built bottom-up: a nested message is encoded first and
 * written as bytes. Repeated scalar fields are written unpacked, the default of ONNX's proto2 schema (every
 * parser accepts that form).
 */
export class ProtobufWriter {
  readonly #chunks: Uint8Array[] = [];
  #size = 0;

  /** Varint field (int32, int64, enum, bool). Negative values take ten bytes, as the spec requires. */
  varint(field: number, value: number | bigint): this {
    this.#tag(field, 0);
    this.#varint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  /** Length-delimited field: a string (UTF-8), raw bytes or an encoded message. */
  bytes(field: number, value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? utf8(value) : value;
    this.#tag(field, 2);
    this.#varint(BigInt(bytes.length));
    this.#push(bytes);
    return this;
  }

  /** An encoded nested message. */
  message(field: number, message: ProtobufWriter): this {
    return this.bytes(field, message.finish());
  }

  /** 32-bit float field. */
  float(field: number, value: number): this {
    this.#tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#push(bytes);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #tag(field: number, wireType: number): void {
    this.#varint(BigInt(field * 8 + wireType));
  }

  #varint(value: bigint): void {
    const bytes: number[] = [];
    let rest = value;
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest > 0n);
    this.#push(Uint8Array.from(bytes));
  }

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#size += bytes.length;
  }
}
