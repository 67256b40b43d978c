import * as tf from '@tensorflow/tfjs';

let override: boolean | undefined;

/**
 * Whether the model's ops take their wasm/cpu-tuned form — plain 2-D matmuls with explicit transposes,
 * per-(batch, head) attention, JavaScript loops for transposes, bias and embedding gradients, the loss from
 * the softmax kernel — or plain TensorFlow.js ops (native backends, where a round trip through JavaScript
 * would cost more than it saves).
 *
 * Why: on the wasm backend only non-transposed, non-batched matmuls reach XNNPACK's fast path, and its
 * Transpose kernel is slow; the tuned forms avoid both and sum in a fixed order, hence deterministically.
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
