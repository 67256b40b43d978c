import * as tf from '@tensorflow/tfjs';
import {GptModel} from '../gpt-model.js';
import {type GptShape, GptWeights} from './gpt-weights.js';
import {KvCacheDecoder} from './kv-cache-decoder.js';

/**
 * A trained GPT loaded for use: incremental decoding through `KvCacheDecoder`, and the training graph's own
 * forward pass (`GptModel.forward`, built on first use only) as the full-recompute reference. Call
 * `loadTfBackend` before `forward`.
 */
export class GptInference {
  readonly weights: GptWeights;
  readonly #tensors: ReadonlyMap<string, Float32Array>;
  #model: GptModel | undefined;

  private constructor(weights: GptWeights, tensors: ReadonlyMap<string, Float32Array>) {
    this.weights = weights;
    this.#tensors = tensors;
  }

  /** Weights by parameter name, checked against `shape`. */
  static create(shape: GptShape, tensors: ReadonlyMap<string, Float32Array>): GptInference {
    return new GptInference(GptWeights.from(shape, tensors), tensors);
  }

  get vocabSize(): number {
    return this.weights.shape.vocabSize;
  }

  get contextLength(): number {
    return this.weights.shape.contextLength;
  }

  get parameterCount(): number {
    return this.weights.parameterCount;
  }

  /** Logits after the last of `ids`, recomputing the whole sequence through the training graph. */
  forward(ids: readonly number[]): Float32Array {
    const model = this.#graph();
    const {vocabSize} = this.weights.shape;
    return tf.tidy(() => {
      const logits = model.forward(tf.tensor2d([...ids], [1, ids.length], 'int32'));
      return Float32Array.from(tf.slice(logits, [0, ids.length - 1, 0], [1, 1, vocabSize]).dataSync() as Float32Array);
    });
  }

  createSession(): KvCacheDecoder {
    return new KvCacheDecoder(this.weights);
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }

  #graph(): GptModel {
    if (!this.#model) {
      this.#model = GptModel.create({...this.weights.shape, dropout: 0, seed: 0});
      this.#model.setWeights(this.#tensors);
    }
    return this.#model;
  }
}
