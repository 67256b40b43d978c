import type {Executor} from './executor.js';
import type {Hasher} from './hasher.js';
import type {ManifestStore} from './manifest-store.js';
import type {OptimizerFactory} from './optimizer.js';
import type {Splitter} from './splitter.js';
import type {TokenizerFactory} from './tokenizer.js';
import type {TrainingEngine} from './training-engine.js';

export * from './executor.js';
export * from './hasher.js';
export * from './manifest-store.js';
export * from './optimizer.js';
export * from './splitter.js';
export * from './tokenizer.js';
export * from './training-engine.js';

/** What a backend registered under each contract name must provide. */
export interface ContractTypes {
  hasher: Hasher;
  splitter: Splitter;
  tokenizer: TokenizerFactory;
  optimizer: OptimizerFactory;
  'manifest-store': ManifestStore;
  'training-engine': TrainingEngine;
  executor: Executor;
}

export type ContractName = keyof ContractTypes;

export const CONTRACT_NAMES: readonly ContractName[] = [
  'hasher',
  'splitter',
  'tokenizer',
  'optimizer',
  'manifest-store',
  'training-engine',
  'executor',
];

/** Config key whose value names the backend bound for each contract. */
export const BACKEND_CONFIG_KEYS: Readonly<Record<ContractName, string>> = {
  hasher: 'hasher',
  splitter: 'data.splitter',
  tokenizer: 'tokenizer.model',
  optimizer: 'training.optimizer.name',
  'manifest-store': 'manifest.store',
  'training-engine': 'training.engine',
  executor: 'executor.name',
};

/**
 * Where each contract's backends keep their own config keys: backend `<name>` owns `<block>.<name>.*`
 * (`manifest.sqlite.path`, `training.optimizer.adamw.beta1`, `tokenizer.wordpiece.unkToken`).
 */
export const BACKEND_CONFIG_BLOCKS: Readonly<Record<ContractName, string>> = {
  hasher: 'hashers',
  splitter: 'data',
  tokenizer: 'tokenizer',
  optimizer: 'training.optimizer',
  'manifest-store': 'manifest',
  'training-engine': 'training',
  executor: 'executor',
};

/** Cross-cutting config keys a contract hands every one of its backends as options: option name → key. */
export const BACKEND_SHARED_OPTIONS: Readonly<Partial<Record<ContractName, Readonly<Record<string, string>>>>> = {
  // Stores keep manifests in or beside the runs directory.
  'manifest-store': {dir: 'runs.dir'},
  // Every executor retries the same way; local ones size their pool of processes.
  executor: {processes: 'executor.processes', attempts: 'executor.attempts'},
};

/** DI token of each contract, by contract name. */
export const CONTRACT_TOKENS: Readonly<Record<ContractName, symbol>> = {
  hasher: Symbol.for('codex-ml.Hasher'),
  splitter: Symbol.for('codex-ml.Splitter'),
  tokenizer: Symbol.for('codex-ml.Tokenizer'),
  optimizer: Symbol.for('codex-ml.Optimizer'),
  'manifest-store': Symbol.for('codex-ml.ManifestStore'),
  'training-engine': Symbol.for('codex-ml.TrainingEngine'),
  executor: Symbol.for('codex-ml.Executor'),
};
