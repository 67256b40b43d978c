import * as tf from '@tensorflow/tfjs';
import type {BackendWasm} from '@tensorflow/tfjs-backend-wasm';

/**
 * `Identity` (what `tf.clone` runs) for the wasm backend as the cpu and WebGL backends implement it: the clone
 * shares the data, counted by reference. The wasm backend's own copies it — and a custom gradient clones every
 * tensor it saves for the backward pass, so training copied its activations once per step for nothing.
 * Sharing is safe because tensors are immutable: no kernel writes into an input, and a variable's `assign`
 * swaps its data instead of overwriting it.
 */
function sharedIdentity(args: {inputs: tf.NamedTensorInfoMap; backend: unknown}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs['x'] as tf.TensorInfo;
  backend.incRef(x.dataId);
  return {dataId: x.dataId, shape: x.shape, dtype: x.dtype};
}

/** Replaces the wasm backend's `Identity` (once; idempotent). */
export function registerWasmSharedIdentity(): void {
  const current = tf.getKernel(tf.Identity, 'wasm');
  if (current?.kernelFunc === (sharedIdentity as tf.KernelFunc)) return;
  if (current) tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({kernelName: tf.Identity, backendName: 'wasm', kernelFunc: sharedIdentity as tf.KernelFunc});
}
