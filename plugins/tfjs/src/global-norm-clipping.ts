import * as tf from '@tensorflow/tfjs';

/** Gradients after clipping and the global norm they had before. */
export interface ClippedGradients {
  readonly grads: Map<string, tf.Tensor>;
  /** L2 norm over all gradients, before clipping (what metrics log). */
  readonly norm: number;
}

/**
 * Global-norm clipping: when ‖g‖₂ over all tensors exceeds `maxNorm`, every gradient is scaled by
 * maxNorm / ‖g‖₂. `maxNorm` 0 only measures. The input tensors are disposed when replaced; the caller owns
 * the returned ones. Names are visited in sorted order so the norm's rounding is reproducible.
 */
export function clipByGlobalNorm(grads: ReadonlyMap<string, tf.Tensor>, maxNorm: number): ClippedGradients {
  const names = [...grads.keys()].sort();
  const norm = tf.tidy(() => {
    const squares = names.map((name) => tf.sum(tf.square(grads.get(name) as tf.Tensor)));
    return Math.sqrt((tf.addN(squares).dataSync() as Float32Array)[0] as number);
  });
  const out = new Map<string, tf.Tensor>();
  const scale = maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1;
  for (const name of names) {
    const grad = grads.get(name) as tf.Tensor;
    if (scale === 1 || !Number.isFinite(norm)) out.set(name, grad);
    else {
      out.set(name, tf.mul(grad, scale));
      grad.dispose();
    }
  }
  return {grads: out, norm};
}
