import {type BackendOptions, CodexError, ExitCode} from '@codex-ml/core';
import {TF_BACKEND_NAMES, type TfBackendName} from './backend-loader.js';

/** The engine's own settings: which TensorFlow.js backend computes, and the shape of the GPT it builds. */
export interface TfjsEngineOptions {
  readonly backend: TfBackendName;
  readonly model: {
    readonly layers: number;
    readonly heads: number;
    readonly dModel: number;
    readonly dropout: number;
    readonly tiedEmbeddings: boolean;
  };
}

/** What an absent key means: the defaults `TFJS_CONFIG` declares (a block built outside config may omit keys). */
export const TFJS_ENGINE_DEFAULTS: TfjsEngineOptions = {
  backend: 'wasm',
  model: {layers: 2, heads: 4, dModel: 128, dropout: 0, tiedEmbeddings: true},
};

/**
 * Reads the engine's create options: its config block `training.tfjs.*` (`backend`, `layers`, `heads`,
 * `dModel`, `dropout`, `tiedEmbeddings`). Vocabulary size, context length and seed come with each model's
 * spec. Config has checked the block already; a block built by hand with a value of the wrong type is a
 * one-line error naming its key.
 */
export function readTfjsEngineOptions(options: BackendOptions): TfjsEngineOptions {
  const defaults = TFJS_ENGINE_DEFAULTS.model;
  const backend = options['backend'] ?? TFJS_ENGINE_DEFAULTS.backend;
  if (!isBackendName(backend)) throw wrongType('backend', `one of ${TF_BACKEND_NAMES.join(', ')}`, backend);
  return {
    backend,
    model: {
      layers: number(options, 'layers', defaults.layers),
      heads: number(options, 'heads', defaults.heads),
      dModel: number(options, 'dModel', defaults.dModel),
      dropout: number(options, 'dropout', defaults.dropout),
      tiedEmbeddings: boolean(options, 'tiedEmbeddings', defaults.tiedEmbeddings),
    },
  };
}

function isBackendName(value: unknown): value is TfBackendName {
  return TF_BACKEND_NAMES.some((name) => name === value);
}

function number(block: BackendOptions, key: string, fallback: number): number {
  const value = block[key] ?? fallback;
  if (typeof value !== 'number') throw wrongType(key, 'a number', value);
  return value;
}

function boolean(block: BackendOptions, key: string, fallback: boolean): boolean {
  const value = block[key] ?? fallback;
  if (typeof value !== 'boolean') throw wrongType(key, 'true or false', value);
  return value;
}

function wrongType(key: string, expected: string, value: unknown): CodexError {
  return new CodexError('E_CONFIG', `training.tfjs.${key} must be ${expected}, got ${JSON.stringify(value)}`, {
    hint: `fix training.tfjs.${key}`,
    exitCode: ExitCode.config,
  });
}
