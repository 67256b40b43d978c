import {CodexError, ExitCode} from '@codex-ml/core';

/** Shape of a decoder-only transformer. */
export interface GptConfig {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly layers: number;
  readonly heads: number;
  readonly dModel: number;
  /** Dropout rate on embeddings, attention weights and residual branches; 0 turns it off. */
  readonly dropout: number;
  /** Output projection = transposed token embedding (saves vocab × dModel parameters). */
  readonly tiedEmbeddings: boolean;
  /** Seed of weight init and of dropout masks. */
  readonly seed: number;
}

/** Checks a config; every failure names the config key. */
export function validateGptConfig(config: GptConfig): GptConfig {
  const integer = (key: string, value: number, min: number) => {
    if (!Number.isInteger(value) || value < min) {
      const configKey = `${key === 'contextLength' || key === 'vocabSize' ? 'training.model' : 'training.tfjs'}.${key}`;
      throw new CodexError('E_MODEL_CONFIG', `${configKey} must be an integer >= ${min}, got ${String(value)}`, {
        hint: `set ${configKey}`,
        exitCode: ExitCode.config,
      });
    }
  };
  integer('vocabSize', config.vocabSize, 2);
  integer('contextLength', config.contextLength, 1);
  integer('layers', config.layers, 1);
  integer('heads', config.heads, 1);
  integer('dModel', config.dModel, 1);
  if (config.dModel % config.heads !== 0) {
    throw new CodexError('E_MODEL_CONFIG', `training.tfjs.heads (${config.heads}) must divide training.tfjs.dModel (${config.dModel})`, {
      hint: 'choose heads among the divisors of dModel',
      exitCode: ExitCode.config,
    });
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) {
    throw new CodexError('E_MODEL_CONFIG', `training.tfjs.dropout must be in [0, 1), got ${String(config.dropout)}`, {
      hint: 'set training.tfjs.dropout to 0 to disable it',
      exitCode: ExitCode.config,
    });
  }
  if (!Number.isInteger(config.seed)) {
    throw new CodexError('E_MODEL_CONFIG', `model seed must be an integer, got ${String(config.seed)}`, {exitCode: ExitCode.config});
  }
  return config;
}
