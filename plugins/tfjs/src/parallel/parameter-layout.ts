import * as tf from '@tensorflow/tfjs';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';
import type {GptModel} from '../gpt-model.js';

/** Where each parameter lives in one flat float32 array: sorted by name, back to back. */
export class ParameterLayout {
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Floats in the whole array. */
  readonly total: number;

  constructor(params: ReadonlyMap<string, {readonly shape: readonly number[]; readonly size: number}>) {
    const names = [...params.keys()].sort();
    const shapes: number[][] = [];
    const offsets: number[] = [];
    const sizes: number[] = [];
    let total = 0;
    for (const name of names) {
      const param = params.get(name) as {readonly shape: readonly number[]; readonly size: number};
      shapes.push([...param.shape]);
      offsets.push(total);
      sizes.push(param.size);
      total += param.size;
    }
    this.names = names;
    this.shapes = shapes;
    this.offsets = offsets;
    this.sizes = sizes;
    this.total = total;
  }

  /** The floats of parameter `i` inside `flat`. */
  slice(flat: Float32Array, i: number): Float32Array {
    const offset = this.offsets[i] as number;
    return flat.subarray(offset, offset + (this.sizes[i] as number));
  }

  /** Copies every weight of `model` into `flat`. */
  readWeights(model: GptModel, flat: Float32Array): void {
    this.names.forEach((name, i) => {
      this.slice(flat, i).set(tensorValues(model.params.get(name) as tf.Variable));
    });
  }

  /** Assigns every weight of `model` from `flat` (copied: later writes to `flat` do not reach the model). */
  writeWeights(model: GptModel, flat: Float32Array): void {
    this.names.forEach((name, i) => {
      const variable = model.params.get(name) as tf.Variable;
      // The wasm backend copies a new tensor's values into its heap; the cpu backend keeps the array itself.
      const values = tf.getBackend() === 'wasm' ? this.slice(flat, i) : this.slice(flat, i).slice();
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    });
  }
}

/**
 * The values of a float32 tensor without copying them where the backend allows it (a view on the wasm heap,
 * valid until the next allocation); a copy elsewhere. Read it at once.
 */
export function tensorValues(tensor: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') return (tf.backend() as BackendWasm).typedArrayFromHeap(tensor) as Float32Array;
  return tensor.dataSync() as Float32Array;
}
