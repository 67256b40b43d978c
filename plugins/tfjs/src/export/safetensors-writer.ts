import {utf8} from '@codex-ml/core';
/** One float32 tensor to store: values row-major in `shape`. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Encodes tensors in the safetensors format: an 8-byte little-endian header length, a JSON header mapping each
 * name to its dtype, shape and byte range, then the raw little-endian data. Tensors are stored in name order
 * and the header is padded with spaces to a multiple of 8 bytes (as the reference writer does), so equal
 * tensors give byte-identical files and every tensor starts 8-byte aligned for readers that map the file.
 */
export function encodeSafetensors(entries: readonly SafetensorsEntry[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const entry of sorted) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (size !== entry.data.length) {
      throw new RangeError(`tensor ${entry.name}: shape [${entry.shape.join(', ')}] holds ${size} values, data has ${entry.data.length}`);
    }
    if (entry.name in header) throw new RangeError(`tensor ${entry.name} appears twice`);
    header[entry.name] = {dtype: 'F32', shape: [...entry.shape], data_offsets: [offset, offset + entry.data.byteLength]};
    offset += entry.data.byteLength;
  }
  const json = utf8(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const entry of sorted) {
    // Float32Array memory is little-endian on every platform Node supports (as checkpoints assume too).
    out.set(new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), position);
    position += entry.data.byteLength;
  }
  return out;
}
