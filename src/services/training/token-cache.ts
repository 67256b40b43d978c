import {mkdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  type Checksum,
  CodexError,
  ExitCode,
  type Hasher,
  type Lock,
  type Tokenizer,
  acquireLock,
  errnoCode,
  fileError,
  isCodexError,
  newRunId,
  writeFileAtomic,
  utf8,
  checksumOf,
} from '@codex-ml/core';
import type {TokenArray} from './batch-sampler.js';

/** A document of a split and the checksum it was verified against. */
export interface CacheDocument {
  readonly id: string;
  readonly checksum: Checksum;
}

export type SplitName = 'train' | 'val';

export interface TokenCacheInputs {
  readonly tokenizer: Tokenizer;
  readonly tokenizerChecksum: Checksum;
  readonly tokenizerRunId: string | null;
  readonly dataRunId: string | null;
  readonly datasetIds: readonly string[];
  readonly splits: Readonly<Record<SplitName, readonly CacheDocument[]>>;
  /** Called with (documents tokenized, documents in both splits) while an entry is built. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The documents' texts, in id order; read only when the entry is built. */
  readonly texts: (split: SplitName) => AsyncIterable<{readonly id: string; readonly text: string}>;
}

export interface TokenCacheSplitEntry {
  readonly path: string;
  readonly documents: number;
  readonly tokens: number;
  readonly bytes: number;
  readonly checksum: Checksum;
}

/** `manifest.json` of a token cache entry. */
export interface TokenCacheManifest {
  readonly schemaVersion: 1;
  readonly kind: 'token-cache';
  readonly runId: string;
  readonly parents: readonly string[];
  readonly createdAt: string;
  /** Digest of everything the tokens depend on; the entry's directory name derives from it. */
  readonly key: Checksum;
  readonly dtype: 'uint16' | 'uint32';
  readonly tokenizer: {
    readonly checksum: Checksum;
    readonly runId: string | null;
    readonly vocabSize: number;
    readonly separatorId: number | null;
  };
  readonly data: {readonly runId: string | null; readonly datasetIds: readonly string[]};
  readonly splits: Readonly<Record<SplitName, TokenCacheSplitEntry>>;
}

export interface LoadedTokenCache {
  readonly directory: string;
  readonly manifest: TokenCacheManifest;
  readonly hit: boolean;
  readonly train: TokenArray;
  readonly val: TokenArray;
}

const FORMAT = 'codex-token-cache/1';

/**
 * Token ids of the train and val splits, tokenized once and reused by every run with the same tokenizer and
 * the same documents. Entries live under `<cacheDir>/tokens/<key>/`, where the key digests the tokenizer
 * checksum and every (split, id, checksum) — so any change of inputs builds a new entry and an entry is never
 * stale. Ids are Uint16 when the vocabulary fits, else Uint32; documents are joined with the tokenizer's EOS
 * token (when it has one) so no context window silently runs one document into the next.
 */
export class TokenCache {
  constructor(
    private readonly cacheDir: string,
    private readonly hasher: Hasher,
  ) {}

  keyOf(inputs: TokenCacheInputs): Checksum {
    const documents = (split: SplitName) =>
      [...inputs.splits[split]].sort((a, b) => compare(a.id, b.id)).map((document) => [document.id, document.checksum]);
    return this.#digest(
      utf8(JSON.stringify({format: FORMAT, tokenizer: inputs.tokenizerChecksum, train: documents('train'), val: documents('val')})),
    );
  }

  /** The verified entry for these inputs, building it first when it is missing or damaged. */
  async load(inputs: TokenCacheInputs, onWarning: (message: string) => void = () => undefined): Promise<LoadedTokenCache> {
    const key = this.keyOf(inputs);
    const directory = join(this.cacheDir, 'tokens', key.replace(':', '-').slice(0, 40));
    const existing = await this.#read(directory, key).catch((error: unknown) => {
      onWarning(`token cache ${directory} is damaged (${error instanceof Error ? error.message : String(error)}); rebuilding it`);
      return undefined;
    });
    if (existing) return {...existing, directory, hit: true};
    await mkdir(directory, {recursive: true}).catch((error: unknown) => {
      throw fileError(directory, error, 'create directory');
    });
    const lock = await waitForLock(join(directory, '.lock'), `token cache ${directory}`);
    try {
      // Another process may have built it while we waited for the lock.
      const built = await this.#read(directory, key).catch(() => undefined);
      if (built) return {...built, directory, hit: true};
      return {...(await this.#build(directory, key, inputs)), directory, hit: false};
    } finally {
      await lock.release();
    }
  }

  async #build(
    directory: string,
    key: Checksum,
    inputs: TokenCacheInputs,
  ): Promise<{manifest: TokenCacheManifest; train: TokenArray; val: TokenArray}> {
    const vocabSize = inputs.tokenizer.vocabSize;
    const dtype = vocabSize <= 0x10000 ? 'uint16' : 'uint32';
    const separatorId = separatorOf(inputs.tokenizer);
    const arrays = {} as Record<SplitName, TokenArray>;
    const entries = {} as Record<SplitName, TokenCacheSplitEntry>;
    const total = inputs.splits.train.length + inputs.splits.val.length;
    let done = 0;
    for (const split of ['train', 'val'] as const) {
      const ids: number[] = [];
      let documents = 0;
      for await (const {text} of inputs.texts(split)) {
        for (const id of inputs.tokenizer.encode(text, {addSpecialTokens: false}).ids) ids.push(id);
        if (separatorId !== null) ids.push(separatorId);
        documents++;
        inputs.onProgress?.(++done, total);
      }
      const array = dtype === 'uint16' ? Uint16Array.from(ids) : Uint32Array.from(ids);
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      const file = `${split}.bin`;
      await writeFileAtomic(join(directory, file), bytes);
      arrays[split] = array;
      entries[split] = {
        path: file,
        documents,
        tokens: array.length,
        bytes: bytes.byteLength,
        checksum: this.#digest(bytes),
      };
    }
    const manifest: TokenCacheManifest = {
      schemaVersion: 1,
      kind: 'token-cache',
      runId: newRunId(),
      parents: [inputs.dataRunId, inputs.tokenizerRunId].filter((id): id is string => id !== null),
      createdAt: new Date().toISOString(),
      key,
      dtype,
      tokenizer: {checksum: inputs.tokenizerChecksum, runId: inputs.tokenizerRunId, vocabSize, separatorId},
      data: {runId: inputs.dataRunId, datasetIds: [...inputs.datasetIds].sort(compare)},
      splits: entries,
    };
    // The manifest goes last: an entry without one is simply rebuilt.
    await writeFileAtomic(join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return {manifest, train: arrays.train, val: arrays.val};
  }

  async #read(directory: string, key: Checksum): Promise<{manifest: TokenCacheManifest; train: TokenArray; val: TokenArray} | undefined> {
    let text: string;
    try {
      text = await readFile(join(directory, 'manifest.json'), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    const manifest = JSON.parse(text) as TokenCacheManifest;
    if (manifest.schemaVersion !== 1 || manifest.kind !== 'token-cache' || manifest.key !== key)
      throw new Error('manifest does not describe these inputs');
    const arrays = {} as Record<SplitName, TokenArray>;
    for (const split of ['train', 'val'] as const) {
      const entry = manifest.splits[split];
      const bytes = await readFile(join(directory, entry.path));
      if (bytes.byteLength !== entry.bytes || this.#digest(bytes) !== entry.checksum)
        throw new Error(`${entry.path} does not match its checksum`);
      const width = manifest.dtype === 'uint16' ? 2 : 4;
      // Copy into an aligned buffer of the right type (a read Buffer may sit at any offset of Node's pool).
      const array = width === 2 ? new Uint16Array(bytes.byteLength / 2) : new Uint32Array(bytes.byteLength / 4);
      new Uint8Array(array.buffer).set(bytes);
      arrays[split] = array;
    }
    return {manifest, train: arrays.train, val: arrays.val};
  }

  #digest(bytes: Uint8Array): Checksum {
    return checksumOf(this.hasher, bytes);
  }
}

/**
 * Another `codex train` building the same entry holds its lock for as long as tokenizing takes: wait for it
 * (then reuse what it built) rather than fail. A lock whose holder died is taken over by `acquireLock`.
 */
async function waitForLock(path: string, what: string, timeoutMs = 30 * 60_000): Promise<Lock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await acquireLock(path, what);
    } catch (error) {
      if (!isCodexError(error) || error.code !== 'E_LOCKED' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The token placed between documents: EOS, else BOS, else none. */
export function separatorOf(tokenizer: Tokenizer): number | null {
  for (const name of ['eos', 'bos']) {
    const token = tokenizer.specialTokens[name];
    const id = token === undefined ? undefined : tokenizer.tokenToId(token);
    if (id !== undefined) return id;
  }
  return null;
}

/** Refuses splits too short for one window before any model is built. */
export function assertSplitLongEnough(split: SplitName, tokens: number, contextLength: number): void {
  if (tokens < contextLength + 1) {
    throw new CodexError(
      'E_DATA',
      `the ${split} split has ${tokens} tokens, fewer than training.model.contextLength + 1 = ${contextLength + 1}`,
      {
        hint: 'lower training.model.contextLength or use more data',
        exitCode: ExitCode.input,
      },
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
