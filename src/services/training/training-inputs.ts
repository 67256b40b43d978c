import {readFile, stat} from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {
  type Backends,
  type Checksum,
  CodexError,
  ExitCode,
  type Hasher,
  type Tokenizer,
  checksumOf,
  fileError,
  isCodexError,
  isRunId,
} from '@codex-ml/core';
import {DataManifestReader, VerifyDataService} from '../data/index.js';
import {TokenizerLoader} from '../tokenization/tokenizer-loader.js';
import type {CacheDocument, SplitName, TokenCacheInputs} from './token-cache.js';

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
export async function loadTokenizerInput(spec: string, runsDir: string, backends: Backends, hasher: Hasher): Promise<TokenizerInput> {
  let path = isRunId(spec) ? join(runsDir, spec, 'tokenizer.json') : resolve(spec);
  const info = await stat(path).catch((error: unknown) => {
    throw configInputError('training.tokenizer', spec, fileError(path, error).message);
  });
  if (info.isDirectory()) path = join(path, 'tokenizer.json');
  const bytes = await readFile(path).catch((error: unknown) => {
    throw configInputError('training.tokenizer', spec, fileError(path, error).message);
  });
  let document: {truncation?: {max_length?: unknown} | null};
  try {
    document = JSON.parse(bytes.toString('utf8')) as typeof document;
  } catch {
    throw configInputError('training.tokenizer', spec, `${path} is not JSON`);
  }
  // The loader checks the document (version, forbidden keys) and picks the backend from its model type.
  const {tokenizer} = await new TokenizerLoader(backends).loadFile(path);
  const maxLength = document.truncation?.max_length;
  const directory = basename(dirname(path));
  return {
    path,
    tokenizer,
    checksum: checksumOf(hasher, bytes),
    runId: isRunId(directory) ? directory : null,
    maxLength: typeof maxLength === 'number' && maxLength > 0 ? maxLength : null,
  };
}

/** The train and val splits of a data run, verified against the run's checksums. */
export interface DataInput {
  readonly runId: string;
  /** Absolute path of the run's manifest. */
  readonly manifest: string;
  readonly datasetIds: readonly string[];
  readonly train: readonly CacheDocument[];
  readonly val: readonly CacheDocument[];
  /** Texts of a split in id order (what the token cache tokenizes). */
  texts(split: SplitName): AsyncIterable<{readonly id: string; readonly text: string}>;
}

export interface DataInputOptions {
  readonly runsDir: string;
  readonly cacheDir: string;
  readonly trainSplit: string;
  readonly valSplit: string;
  /** Opens the hasher that wrote the data run's checksums. */
  readonly backends: Backends;
}

/**
 * Opens `training.data` — a data run id, its run directory or its manifest.json — through the data reader
 * API, and re-checks every item of the two splits against the checksums the run recorded (stat-cached, with
 * the hasher that wrote them) before anything is tokenized: a changed or missing item is an error naming it.
 */
export async function resolveDataInput(spec: string, options: DataInputOptions): Promise<DataInput> {
  const reader = await DataManifestReader.open(spec, {runsDir: options.runsDir}).catch((error: unknown) => {
    throw isCodexError(error)
      ? new CodexError(error.code, `training.data: ${error.message}`, {hint: error.hint, exitCode: ExitCode.config})
      : error;
  });
  const {manifest} = reader;
  const train = await reader.split(options.trainSplit);
  const val = await reader.split(options.valSplit);
  const verification = await new VerifyDataService(options.backends).verify({data: reader, cacheDir: options.cacheDir, useCache: true});
  const used = new Map([...train, ...val].map((item) => [item.id, item]));
  const drifted = [...verification.changed, ...verification.missing].filter((id) => used.has(id)).sort();
  if (drifted.length > 0) {
    const first = drifted[0] as string;
    const state = verification.missing.includes(first) ? 'is missing' : 'changed';
    throw new CodexError(
      'E_DATA_DRIFT',
      `training.data: data run ${manifest.runId}: item ${first} ${state} since the manifest recorded ${used.get(first)?.checksum}` +
        (drifted.length > 1 ? ` (and ${drifted.length - 1} more)` : ''),
      {
        hint: `codex data:verify ${manifest.runId} lists every change; restore the data or re-run prepare-data`,
        exitCode: ExitCode.integrity,
      },
    );
  }
  const documents = (items: typeof train): CacheDocument[] => items.map((item) => ({id: item.id, checksum: item.checksum}));
  return {
    runId: manifest.runId,
    manifest: reader.path,
    datasetIds: [manifest.datasetId],
    train: documents(train),
    val: documents(val),
    texts: (split) => reader.texts(split === 'train' ? options.trainSplit : options.valSplit),
  };
}

function configInputError(key: string, value: string, reason: string): CodexError {
  return new CodexError('E_CONFIG', `${key} ${JSON.stringify(value)}: ${reason}`, {
    hint: 'pass a tokenizer.json, its directory or a tokenizer run id',
    exitCode: ExitCode.config,
  });
}

/** What the token cache is keyed on and reads: a loaded tokenizer over the two splits of a data input. */
export function tokenCacheInputs(
  tokenizer: TokenizerInput,
  data: DataInput,
  onProgress?: (done: number, total: number) => void,
): TokenCacheInputs {
  return {
    tokenizer: tokenizer.tokenizer,
    tokenizerChecksum: tokenizer.checksum,
    tokenizerRunId: tokenizer.runId,
    dataRunId: data.runId,
    datasetIds: data.datasetIds,
    splits: {train: data.train, val: data.val},
    texts: (split) => data.texts(split),
    ...(onProgress ? {onProgress} : {}),
  };
}
