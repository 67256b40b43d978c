import * as tf from '@tensorflow/tfjs';

let override: boolean | undefined;

/**
 * Whether the model's fused ops run as JavaScript loops over typed arrays (wasm and cpu backends) or as
 * TensorFlow.js kernels (native backends, where a round trip through JavaScript would cost more than it saves).
 *
 * Why JavaScript: on the wasm backend every small elementwise kernel costs a call and a pass over memory,
 * `tanh` is scalar, and batched or transposed matmuls leave XNNPACK's fast path; one fused loop for attention,
 * layer norm, GELU or the loss is several times faster, and its summation order is fixed, hence deterministic.
 */
export function useJsKernels(): boolean {
  if (override !== undefined) return override;
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** Forces one path (tests compare both); `undefined` restores the choice by backend. */
export function setJsKernels(enabled: boolean | undefined): void {
  override = enabled;
}
