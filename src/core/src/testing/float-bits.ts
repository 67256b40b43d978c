import type {OptimizerState} from '../contracts/optimizer.js';

/** Bitwise equality of float32 arrays: NaN payloads and signed zeros count, tolerances do not. */
export function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  return x.every((bits, i) => bits === y[i]);
}

/** A comparable form of an optimizer state: slot data as bit patterns, keys sorted. */
export function optimizerStateBits(state: OptimizerState): string {
  const slots = Object.keys(state.slots)
    .sort()
    .map((param) => {
      const byName = state.slots[param] ?? {};
      return [
        param,
        Object.keys(byName)
          .sort()
          .map((slot) => [slot, [...new Uint32Array(Float32Array.from(byName[slot] ?? []).buffer)]]),
      ];
    });
  return JSON.stringify({type: state.type, version: state.version, step: state.step, hyper: Object.entries(state.hyper).sort(), slots});
}
