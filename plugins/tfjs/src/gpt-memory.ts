import type {MemoryEstimate, MemoryPart} from '@codex-ml/core';
import type {TfBackendName} from './backend-loader.js';

/** What decides the memory of a GPT run: the model's shape and the batch. */
export interface GptMemoryShape {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly layers: number;
  readonly heads: number;
  readonly dModel: number;
  readonly tiedEmbeddings: boolean;
  readonly batchSize: number;
}

const FLOAT = 4;
/** A wasm32 heap: TensorFlow.js's wasm backend grows its memory up to this. */
const WASM_HEAP = 4 * 1024 ** 3;

/**
 * An upper estimate of what training a GptModel holds at peak, computed from its shape alone: weights, their
 * gradients and two optimizer slots per weight (Adam's; plain SGD holds fewer), the activations kept for the
 * backward pass, and the logits with their softmax and gradient. Doubles throughout, so absurd shapes
 * (dModel 65536) give a large number rather than an overflow.
 */
export function estimateGptMemory(shape: GptMemoryShape, backend: TfBackendName): MemoryEstimate {
  const {vocabSize: v, contextLength: t, layers: l, heads: h, dModel: d, batchSize: b} = shape;
  const parameters = v * d + t * d + 2 * d + (shape.tiedEmbeddings ? 0 : d * v) + l * (12 * d * d + 13 * d);
  const model = 'training.tfjs.dModel';
  const parts: MemoryPart[] = [
    {what: 'weights', bytes: FLOAT * parameters, key: model},
    {what: 'gradients', bytes: FLOAT * parameters, key: model},
    {what: 'optimizer state', bytes: 2 * FLOAT * parameters, key: model},
    // Per layer and token: layer norms, q/k/v, attention output, projections, the 4·d MLP and its GELU.
    {what: 'activations', bytes: FLOAT * b * t * l * 16 * d, key: 'training.batchSize'},
    // Attention scores and probabilities: heads × t × t per row and layer.
    {what: 'attention', bytes: FLOAT * b * h * t * t * l * 2, key: 'training.model.contextLength'},
    {what: 'logits', bytes: FLOAT * b * t * v * 3, key: 'training.batchSize'},
  ];
  parts.sort((a, c) => c.bytes - a.bytes);
  const buffers: MemoryPart[] = [
    {what: 'the logits of one batch', bytes: FLOAT * b * t * v, key: 'training.batchSize'},
    {what: 'the token embedding', bytes: FLOAT * v * d, key: model},
    {what: 'one MLP weight', bytes: FLOAT * 4 * d * d, key: model},
    {what: 'the attention scores of one layer', bytes: FLOAT * b * h * t * t, key: 'training.model.contextLength'},
  ];
  const largestBuffer = buffers.reduce((largest, part) => (part.bytes > largest.bytes ? part : largest));
  return {
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    parts,
    largestBuffer,
    ...(backend === 'wasm' ? {limit: {bytes: WASM_HEAP, why: 'the 4 GiB the wasm backend can address'}} : {}),
  };
}
