import {readFile, stat} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {
  type Checksum,
  CodexError,
  ExitCode,
  type Hasher,
  type Manifest,
  type ManifestStore,
  type Registry,
  type Tokenizer,
  fileError,
  formatChecksum,
  instantiateBackend,
  isRunId,
} from '@codex-ml/core';
import {CorpusResolver} from '../tokenization/corpus-resolver.js';
import {DataRunReader} from '../tokenization/data-run-reader.js';
import type {FileChecksummer} from '../tokenization/file-checksummer.js';
import type {CacheDocument} from './token-cache.js';

/** A trained tokenizer, loaded through the registered tokenizer backend of its model type. */
export interface TokenizerInput {
  readonly path: string;
  readonly tokenizer: Tokenizer;
  readonly checksum: Checksum;
  /** The tokenizer run that wrote it, when the file sits in a run directory. */
  readonly runId: string | null;
  /** The longest sequence the tokenizer file allows (`truncation.max_length`), if it sets one. */
  readonly maxLength: number | null;
}

/**
 * Loads `training.tokenizer`: a tokenizer.json, the directory holding it, or a tokenizer run id (its file in
 * `<runsDir>/<id>/tokenizer.json`). The backend is the one whose model type matches the file's `model.type`.
 */
export async function loadTokenizerInput(spec: string, runsDir: string, registry: Registry, hasher: Hasher): Promise<TokenizerInput> {
  let path = isRunId(spec) ? join(runsDir, spec, 'tokenizer.json') : resolve(spec);
  const info = await stat(path).catch((error: unknown) => {
    throw configInputError('training.tokenizer', spec, fileError(path, error).message);
  });
  if (info.isDirectory()) path = join(path, 'tokenizer.json');
  const bytes = await readFile(path).catch((error: unknown) => {
    throw configInputError('training.tokenizer', spec, fileError(path, error).message);
  });
  let document: {model?: {type?: unknown}; truncation?: {max_length?: unknown} | null};
  try {
    document = JSON.parse(bytes.toString('utf8')) as typeof document;
  } catch {
    throw configInputError('training.tokenizer', spec, `${path} is not JSON`);
  }
  const modelType = document?.model?.type;
  if (typeof modelType !== 'string') throw configInputError('training.tokenizer', spec, `${path} has no model.type`);
  const tokenizer = await loadWithMatchingBackend(registry, modelType, bytes.toString('utf8'), path);
  const state = hasher.create();
  state.update(bytes);
  const maxLength = document.truncation?.max_length;
  const directory = basename(dirname(path));
  return {
    path,
    tokenizer,
    checksum: formatChecksum(hasher.algorithm, state.digest()),
    runId: isRunId(directory) ? directory : null,
    maxLength: typeof maxLength === 'number' && maxLength > 0 ? maxLength : null,
  };
}

async function loadWithMatchingBackend(registry: Registry, modelType: string, json: string, path: string): Promise<Tokenizer> {
  const seen: string[] = [];
  for (const name of registry.names('tokenizer')) {
    const factory = await instantiateBackend(registry.require('tokenizer', name, 'training.tokenizer'));
    seen.push(factory.modelType);
    if (factory.modelType.toLowerCase() === modelType.toLowerCase()) return factory.load(json);
  }
  throw new CodexError(
    'E_CONFIG',
    `training.tokenizer: ${path} is a ${modelType} tokenizer; no tokenizer backend loads it (registered: ${seen.join(', ') || 'none'})`,
    {
      hint: 'install a plugin that registers that tokenizer model (codex backends lists them)',
      exitCode: ExitCode.config,
    },
  );
}

/** The train and val documents of a data run, verified against the run's checksums. */
export interface DataInput {
  readonly runId: string;
  readonly datasetIds: readonly string[];
  readonly train: readonly CacheDocument[];
  readonly val: readonly CacheDocument[];
}

export interface DataInputOptions {
  readonly runsDir: string;
  readonly trainSplit: string;
  readonly valSplit: string;
  readonly checksummer: FileChecksummer;
  /** The configured manifest store; only asked for when `spec` is a run id. */
  readonly store: () => Promise<ManifestStore>;
}

/**
 * Resolves `training.data` — a data run id, or the path of a data manifest file — and checks every file of
 * both splits against its recorded checksum before anything is tokenized: a changed file is an error naming
 * it and both checksums.
 */
export async function resolveDataInput(spec: string, options: DataInputOptions): Promise<DataInput> {
  let runId: string;
  let store: () => Promise<ManifestStore>;
  if (isRunId(spec)) {
    runId = spec;
    store = options.store;
  } else {
    const manifest = await readManifestFile(resolve(spec));
    runId = manifest.runId;
    store = async () => new ManifestFileStore(manifest);
  }
  const reader = new DataRunReader(await store(), options.runsDir);
  const resolver = new CorpusResolver(options.checksummer, async () => reader);
  const train = await resolver.resolve([runId], {split: options.trainSplit});
  const val = await resolver.resolve([runId], {split: options.valSplit});
  const documents = (files: typeof train.files): CacheDocument[] =>
    files.map((file) => ({id: file.id, path: file.path, checksum: file.checksum}));
  return {
    runId,
    datasetIds: [...new Set([...train.datasetIds, ...val.datasetIds])].sort(),
    train: documents(train.files),
    val: documents(val.files),
  };
}

async function readManifestFile(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile((await stat(path)).isDirectory() ? join(path, 'manifest.json') : path, 'utf8');
  } catch (error) {
    throw configInputError('training.data', path, fileError(path, error).message);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    throw configInputError('training.data', path, 'the manifest is not JSON');
  }
  if (!isRunId(manifest?.runId) || manifest.kind !== 'data')
    throw configInputError('training.data', path, 'not a data manifest (kind "data" with a runId)');
  return manifest;
}

/** Serves one manifest read from a file, so a manifest path and a run id share one reading path. */
class ManifestFileStore implements ManifestStore {
  readonly name = 'file';
  constructor(private readonly manifest: Manifest) {}
  async put(): Promise<void> {
    throw new Error('read-only');
  }
  async get(runId: string): Promise<Manifest | undefined> {
    return runId === this.manifest.runId ? this.manifest : undefined;
  }
  async list(): Promise<[]> {
    return [];
  }
  async delete(): Promise<boolean> {
    return false;
  }
  async close(): Promise<void> {}
}

function configInputError(key: string, value: string, reason: string): CodexError {
  return new CodexError('E_CONFIG', `${key} ${JSON.stringify(value)}: ${reason}`, {
    hint:
      key === 'training.data'
        ? 'pass a data run id (codex prepare-data prints it) or a data manifest file'
        : 'pass a tokenizer.json, its directory or a tokenizer run id',
    exitCode: ExitCode.config,
  });
}
