import {
  CodexError,
  type DecodingSession,
  type EngineModel,
  type ExportedFile,
  ExitCode,
  type ModelExportRequest,
  type NamedTensor,
  type TokenBatch,
} from '@codex-ml/core';
import * as tf from '@tensorflow/tfjs';
import {EXPORT_FORMATS, type ExportFormat, exportGpt} from './export/gpt-exporter.js';
import type {GptModel} from './gpt-model.js';
import {GptWeights} from './inference/gpt-weights.js';
import {KvCacheDecoder} from './inference/kv-cache-decoder.js';
import {evaluateLoss} from './train-step.js';

/**
 * A GPT behind the `EngineModel` contract: evaluation and weights, no optimizer, and the optional capabilities
 * generation and export use — `forward` through the training graph, `createDecoder` (a `KvCacheDecoder` over
 * the current weights, read by name) and `exportModel` (`hf`, `onnx`).
 */
export class TfjsModel implements EngineModel {
  readonly exportFormats: readonly string[] = EXPORT_FORMATS;

  constructor(
    readonly network: GptModel,
    /** Recorded as the producer of ONNX exports. */
    private readonly version = 'unknown',
  ) {}

  get parameterCount(): number {
    return this.network.parameterCount;
  }

  async evaluate(batch: TokenBatch): Promise<number> {
    return evaluateLoss(this.network, batch);
  }

  async getWeights(): Promise<NamedTensor[]> {
    return [...this.network.getWeights()].map(([name, data]) => ({name, shape: [...this.#shapeOf(name, data.length)], data}));
  }

  /** All or nothing: every name, shape and size is checked before the first weight is assigned. */
  async setWeights(weights: readonly NamedTensor[]): Promise<void> {
    for (const tensor of weights) {
      const expected = this.network.params.get(tensor.name)?.shape;
      if (expected && (expected.length !== tensor.shape.length || expected.some((size, axis) => size !== tensor.shape[axis]))) {
        throw new CodexError('E_WEIGHTS', `weights for "${tensor.name}" have shape [${tensor.shape}], expected [${expected}]`, {
          hint: 'the checkpoint was written by a model with another training.model config',
          exitCode: ExitCode.integrity,
        });
      }
    }
    this.network.setWeights(new Map(weights.map((tensor) => [tensor.name, tensor.data])));
  }

  async forward(ids: readonly number[]): Promise<Float32Array> {
    const {vocabSize} = this.network.config;
    return tf.tidy(() => {
      const logits = this.network.forward(tf.tensor2d([...ids], [1, ids.length], 'int32'));
      return Float32Array.from(tf.slice(logits, [0, ids.length - 1, 0], [1, 1, vocabSize]).dataSync() as Float32Array);
    });
  }

  async createDecoder(): Promise<DecodingSession> {
    const decoder = new KvCacheDecoder(this.#weights());
    return {
      get length() {
        return decoder.length;
      },
      append: async (ids) => decoder.append(ids),
      reset: () => decoder.reset(),
    };
  }

  async exportModel(request: ModelExportRequest): Promise<ExportedFile[]> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(request.format)) {
      throw new CodexError('E_USAGE', `export format "${request.format}" is not one of ${EXPORT_FORMATS.join(', ')}`, {
        exitCode: ExitCode.usage,
      });
    }
    return exportGpt(request.format as ExportFormat, this.#weights(), {
      tokens: request.tokens,
      dropout: this.network.config.dropout,
      producerVersion: this.version,
    });
  }

  dispose(): void {
    this.network.dispose();
  }

  /** A snapshot of the current weights by name (copies: later training does not change it). */
  #weights(): GptWeights {
    return GptWeights.from(this.network.config, this.network.getWeights());
  }

  #shapeOf(name: string, size: number): readonly number[] {
    return this.network.params.get(name)?.shape ?? [size];
  }
}
