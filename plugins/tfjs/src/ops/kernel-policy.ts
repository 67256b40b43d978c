import * as tf from '@tensorflow/tfjs';
import {simdKernelsReady} from '../kernels/simd-kernels.js';

/**
 * Which form the model's ops take:
 * - `simd`: the SIMD kernels of `assembly/` (wasm backend): blocked GEMMs that read transposed operands in
 *   place, fused layer norm, GELU, attention and softmax–cross-entropy, in place on the backend's heap;
 * - `js`: plain 2-D matmuls with explicit transposes, per-(batch, head) attention, JavaScript loops for
 *   transposes, bias and embedding gradients (cpu backend, or wasm where the SIMD kernels cannot load);
 * - `tensor`: plain TensorFlow.js ops (native backends, where a round trip through JavaScript costs more
 *   than it saves).
 *
 * Why: on the wasm backend only non-transposed, non-batched matmuls reach XNNPACK's fast path, its packing of a
 * fresh right operand costs as much as a gradient product, and every small op pays a call; the `simd` kernels
 * avoid all three. Both non-tensor forms sum in a fixed order, hence deterministically.
 */
export type KernelPath = 'simd' | 'js' | 'tensor';

let override: KernelPath | undefined;

export function kernelPath(): KernelPath {
  if (override !== undefined && (override !== 'simd' || simdKernelsReady())) return override;
  const backend = tf.getBackend();
  if (backend === 'wasm') return simdKernelsReady() ? 'simd' : 'js';
  return backend === 'cpu' ? 'js' : 'tensor';
}

/** Forces one path (tests compare them); `undefined` restores the choice by backend. */
export function setKernelPath(path: KernelPath | undefined): void {
  override = path;
}

/** Whether the ops avoid the plain tensor form (`simd` or `js`). */
export function useJsKernels(): boolean {
  return kernelPath() !== 'tensor';
}

/** `true` forces the `js` path, `false` the `tensor` path, `undefined` the choice by backend. */
export function setJsKernels(enabled: boolean | undefined): void {
  setKernelPath(enabled === undefined ? undefined : enabled ? 'js' : 'tensor');
}
