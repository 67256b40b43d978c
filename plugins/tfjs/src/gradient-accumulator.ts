import * as tf from '@tensorflow/tfjs';

/**
 * Sums gradients of several micro-batches and hands out their mean, so a large batch can be trained in
 * pieces. Sums run in the order micro-batches are added, so the result is reproducible.
 */
export class GradientAccumulator {
  readonly #sums = new Map<string, tf.Tensor>();
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Adds one micro-batch's gradients; takes ownership of (and disposes) the given tensors. */
  add(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, grad] of grads) {
      const sum = this.#sums.get(name);
      if (sum) {
        this.#sums.set(name, tf.add(sum, grad));
        sum.dispose();
        grad.dispose();
      } else this.#sums.set(name, grad);
    }
    this.#count++;
  }

  /** Mean gradients (caller owns them) and reset. */
  takeMean(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, sum] of this.#sums) {
      if (this.#count === 1) out.set(name, sum);
      else {
        out.set(name, tf.div(sum, this.#count));
        sum.dispose();
      }
    }
    this.#sums.clear();
    this.#count = 0;
    return out;
  }

  dispose(): void {
    for (const sum of this.#sums.values()) sum.dispose();
    this.#sums.clear();
    this.#count = 0;
  }
}
