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

/** What an absent key means: the values `configs/training/base.yaml` documents. */
export const TFJS_ENGINE_DEFAULTS: TfjsEngineOptions = {
  backend: 'wasm',
  model: {layers: 2, heads: 4, dModel: 128, dropout: 0, tiedEmbeddings: true},
};

/**
 * Reads the engine's create options: its config block (`backend`, `model.layers`, `model.heads`,
 * `model.dModel`, `model.dropout`, `model.tiedEmbeddings`). Vocabulary size, context length and seed come
 * with each model's spec. A value of the wrong type is a one-line error naming its key.
 */
export function readTfjsEngineOptions(options: BackendOptions): TfjsEngineOptions {
  const model = options['model'] ?? {};
  if (typeof model !== 'object' || model === null || Array.isArray(model)) throw wrongType('model', 'a section', model);
  const section: Readonly<Record<string, unknown>> = {...model};
  const defaults = TFJS_ENGINE_DEFAULTS.model;
  const backend = options['backend'] ?? TFJS_ENGINE_DEFAULTS.backend;
  if (!isBackendName(backend)) throw wrongType('backend', `one of ${TF_BACKEND_NAMES.join(', ')}`, backend);
  return {
    backend,
    model: {
      layers: number(section, 'layers', defaults.layers),
      heads: number(section, 'heads', defaults.heads),
      dModel: number(section, 'dModel', defaults.dModel),
      dropout: number(section, 'dropout', defaults.dropout),
      tiedEmbeddings: boolean(section, 'tiedEmbeddings', defaults.tiedEmbeddings),
    },
  };
}

function isBackendName(value: unknown): value is TfBackendName {
  return TF_BACKEND_NAMES.some((name) => name === value);
}

function number(section: Readonly<Record<string, unknown>>, key: string, fallback: number): number {
  const value = section[key] ?? fallback;
  if (typeof value !== 'number') throw wrongType(`model.${key}`, 'a number', value);
  return value;
}

function boolean(section: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = section[key] ?? fallback;
  if (typeof value !== 'boolean') throw wrongType(`model.${key}`, 'true or false', value);
  return value;
}

function wrongType(key: string, expected: string, value: unknown): CodexError {
  return new CodexError('E_CONFIG', `training.${key} must be ${expected}, got ${JSON.stringify(value)}`, {
    hint: `fix training.${key}`,
    exitCode: ExitCode.config,
  });
}
