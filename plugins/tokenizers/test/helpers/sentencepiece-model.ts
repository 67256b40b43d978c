/** The parts of a SentencePiece `.model` (protobuf `ModelProto`) a tokenizer.json conversion needs. */
export interface SentencePieceModel {
  readonly pieces: {piece: string; score: number; type: number}[];
  readonly precompiledCharsmap: Uint8Array;
}

/** Reads fields 1 (pieces: piece, score, type) and 3.2 (normalizer_spec.precompiled_charsmap) of a ModelProto. */
export function readSentencePieceModel(bytes: Uint8Array): SentencePieceModel {
  const pieces: SentencePieceModel['pieces'] = [];
  let charsmap: Uint8Array = new Uint8Array(0);
  for (const [field, value] of fields(bytes)) {
    if (field === 1 && value instanceof Uint8Array) {
      let piece = '';
      let score = 0;
      let type = 1;
      for (const [inner, innerValue] of fields(value)) {
        if (inner === 1 && innerValue instanceof Uint8Array) piece = new TextDecoder().decode(innerValue);
        else if (inner === 2 && typeof innerValue === 'number') score = innerValue;
        else if (inner === 3 && typeof innerValue === 'number') type = innerValue;
      }
      pieces.push({piece, score, type});
    } else if (field === 3 && value instanceof Uint8Array) {
      for (const [inner, innerValue] of fields(value)) if (inner === 2 && innerValue instanceof Uint8Array) charsmap = innerValue;
    }
  }
  return {pieces, precompiledCharsmap: charsmap};
}

/** Top-level fields of a protobuf message: varints as numbers, fixed32 as floats, length-delimited as bytes. */
function* fields(bytes: Uint8Array): Generator<[number, number | Uint8Array]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        yield [field, varint()];
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = varint();
        yield [field, bytes.subarray(at, at + length)];
        at += length;
        break;
      }
      case 5:
        yield [field, view.getFloat32(at, true)];
        at += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${key & 7}`);
    }
  }
}
