import {type FileHandle, open, readFile, readdir, rename, rm} from 'node:fs/promises';
import {join} from 'node:path';
import {
  CodexError,
  ExitCode,
  type Hasher,
  type NamedTensor,
  type OptimizerState,
  type Checksum,
  errnoCode,
  fileError,
  formatChecksum,
  isCodexError,
  parseChecksum,
  publishDirectory,
  tempPathFor,
  writeFileSynced,
  type Artifact,
} from '@codex-ml/core';
import {pausePoint} from '../pause-point.js';

/** JSON that the runner stores next to the tensors: sampler and RNG state, early stopping, metrics position. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | {readonly [key: string]: JsonValue};

/** Everything a checkpoint holds. */
export interface CheckpointContent {
  readonly step: number;
  readonly weights: readonly NamedTensor[];
  readonly optimizer: OptimizerState;
  readonly trainer: {readonly [key: string]: JsonValue};
}

/** `manifest.json` of a checkpoint: written last, so its presence plus matching checksums means complete. */
export interface CheckpointManifest {
  readonly schemaVersion: 1;
  readonly kind: 'checkpoint';
  readonly runId: string;
  readonly step: number;
  readonly createdAt: string;
  readonly files: readonly Artifact[];
}

export interface StoredCheckpoint {
  readonly name: string;
  readonly path: string;
  readonly step: number;
}

interface TensorIndexEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

interface CheckpointStateFile {
  readonly schemaVersion: 1;
  readonly step: number;
  readonly weights: readonly TensorIndexEntry[];
  readonly optimizer: {
    readonly type: string;
    readonly version: number;
    readonly step: number;
    readonly hyper: Readonly<Record<string, number>>;
    readonly slots: readonly (TensorIndexEntry & {readonly slot: string})[];
  };
  readonly trainer: {readonly [key: string]: JsonValue};
}

const NAME_PATTERN = /^step-(\d{9})$/;
/** Bytes hashed between two pauses for the event loop (about 20 ms of hashing). */
const HASH_SLICE = 8 << 20;
const FILES = ['weights.bin', 'optimizer.bin', 'state.json'] as const;

/**
 * Checkpoints of one run under `<run>/checkpoints/step-<000000123>/`. A checkpoint is built in a hidden temp
 * directory (every file fsynced, manifest last), then renamed into place, so a reader — or a process resuming
 * after a SIGKILL in the middle of a write — sees either a complete checkpoint or none. Loading verifies
 * every file against the manifest's checksums and falls back to the previous checkpoint when one does not
 * match.
 */
export class CheckpointStore {
  readonly directory: string;

  constructor(
    runPath: string,
    private readonly runId: string,
    private readonly hasher: Hasher,
    /** Called with every file written but before the rename that publishes the checkpoint (fault injection). */
    private readonly beforePublish: (name: string) => Promise<void> = async () => undefined,
    /** Checkpoints `prune` never removes. */
    private readonly retain: ReadonlySet<string> = new Set(),
  ) {
    this.directory = join(runPath, 'checkpoints');
  }

  static nameOf(step: number): string {
    return `step-${String(step).padStart(9, '0')}`;
  }

  /** Writes a checkpoint atomically (core's `publishDirectory`, manifest last) and returns where it landed. */
  async write(content: CheckpointContent): Promise<StoredCheckpoint> {
    await pausePoint('checkpoint:write');
    const name = CheckpointStore.nameOf(content.step);
    const target = join(this.directory, name);
    try {
      // A checkpoint of the same step can only be a leftover that failed verification: it is replaced.
      await publishDirectory(
        target,
        async (temp) => {
          const {weights, optimizer, state} = encodeCheckpoint(content);
          const entries: Artifact[] = [];
          for (const [file, chunks] of [
            ['weights.bin', weights],
            ['optimizer.bin', optimizer],
            ['state.json', [state]],
          ] as const) {
            await writeChunksSynced(join(temp, file), chunks);
            entries.push({path: file, checksum: await this.checksum(chunks), bytes: byteLength(chunks)});
          }
          const manifest: CheckpointManifest = {
            schemaVersion: 1,
            kind: 'checkpoint',
            runId: this.runId,
            step: content.step,
            createdAt: new Date().toISOString(),
            files: entries,
          };
          await writeFileSynced(join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        },
        {replace: true, beforePublish: () => this.beforePublish(name)},
      );
    } catch (error) {
      throw isCodexError(error) ? error : fileError(target, error, 'write checkpoint');
    }
    return {name, path: target, step: content.step};
  }

  /** Complete-looking checkpoints (by name), newest first; not yet verified. */
  async list(): Promise<StoredCheckpoint[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw fileError(this.directory, error, 'list');
    }
    return names
      .map((name) => ({name, match: NAME_PATTERN.exec(name)}))
      .filter((entry): entry is {name: string; match: RegExpExecArray} => entry.match !== null)
      .map(({name, match}) => ({name, path: join(this.directory, name), step: Number(match[1])}))
      .sort((a, b) => b.step - a.step);
  }

  /**
   * The newest checkpoint that verifies, or undefined when there is none. Each one skipped is reported through
   * `warn` with the reason, then deleted so that a later write of the same step is not blocked by it.
   */
  async loadLatest(
    warn: (message: string) => void,
    options: {readonly atOrBefore?: number; readonly readOnly?: boolean} = {},
  ): Promise<{checkpoint: StoredCheckpoint; content: CheckpointContent} | undefined> {
    const candidates = (await this.list()).filter(
      (checkpoint) => options.atOrBefore === undefined || checkpoint.step <= options.atOrBefore,
    );
    for (const checkpoint of candidates) {
      try {
        return {checkpoint, content: await this.load(checkpoint.path)};
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        warn(`checkpoint ${checkpoint.name} is unusable (${reason}); falling back to the previous one`);
        if (!options.readOnly) await this.remove(checkpoint.name);
      }
    }
    return undefined;
  }

  /** Loads and verifies one checkpoint directory; throws `E_CHECKPOINT` naming the file at fault. */
  async load(path: string): Promise<CheckpointContent> {
    const manifest = parseManifest(await readOrFail(join(path, 'manifest.json')), join(path, 'manifest.json'));
    const files = new Map<string, Buffer>();
    for (const entry of manifest.files) {
      const file = join(path, entry.path);
      const bytes = await readOrFail(file);
      if (bytes.byteLength !== entry.bytes) throw corrupt(`${file} has ${bytes.byteLength} bytes, the manifest says ${entry.bytes}`);
      const {algorithm} = parseChecksum(entry.checksum, `${path}/manifest.json files.${entry.path}`);
      if (algorithm !== this.hasher.algorithm)
        throw corrupt(`${file} was checksummed with ${algorithm}, this run uses ${this.hasher.algorithm}`);
      const actual = await this.checksum([bytes]);
      if (actual !== entry.checksum) throw corrupt(`${file} checksum ${actual} does not match the manifest's ${entry.checksum}`);
      files.set(entry.path, bytes);
    }
    for (const file of FILES) if (!files.has(file)) throw corrupt(`${join(path, 'manifest.json')} does not list ${file}`);
    const content = decodeCheckpoint(
      files.get('weights.bin') as Buffer,
      files.get('optimizer.bin') as Buffer,
      files.get('state.json') as Buffer,
      path,
    );
    if (content.step !== manifest.step) throw corrupt(`${path}: state step ${content.step} differs from manifest step ${manifest.step}`);
    return content;
  }

  /**
   * Deletes all but the newest `keep` checkpoints (by step), except those `retain` names: checkpoints a
   * finished run's manifest records stay when the run is extended, so its recorded history stays whole.
   */
  async prune(keep: number): Promise<void> {
    const stale = (await this.list()).slice(keep);
    for (const checkpoint of stale) if (!this.retain.has(checkpoint.name)) await this.remove(checkpoint.name);
  }

  /** Deletes checkpoints after `step` (left by a killed run past the one being resumed) and temp directories. */
  async discardAfter(step: number): Promise<void> {
    for (const checkpoint of await this.list()) if (checkpoint.step > step) await this.remove(checkpoint.name);
    for (const name of await readdir(this.directory).catch(() => [] as string[])) {
      if (name.startsWith('.') && name.endsWith('.tmp')) await rm(join(this.directory, name), {recursive: true, force: true});
    }
  }

  /** Renamed away first, so a half-deleted directory never carries a checkpoint's name. */
  async remove(name: string): Promise<void> {
    const trash = tempPathFor(join(this.directory, name));
    try {
      await rename(join(this.directory, name), trash);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw fileError(join(this.directory, name), error, 'delete checkpoint');
    }
    await rm(trash, {recursive: true, force: true});
  }

  /**
   * Hashed tensor by tensor, in slices, with a pause for the event loop between them: a checkpoint can be
   * hundreds of MB, and the process must still answer Ctrl-C or SIGTERM while it is written.
   */
  private async checksum(chunks: readonly Uint8Array[]): Promise<Checksum> {
    const state = this.hasher.create();
    for (const chunk of chunks) {
      for (let start = 0; start < chunk.length; start += HASH_SLICE) {
        state.update(chunk.subarray(start, start + HASH_SLICE));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return formatChecksum(this.hasher.algorithm, state.digest());
  }
}

/** The checkpoint's files as chunks (one per tensor, never concatenated: they are written and hashed in turn). */
function encodeCheckpoint(content: CheckpointContent): {weights: Buffer[]; optimizer: Buffer[]; state: Buffer} {
  const weightIndex: TensorIndexEntry[] = [];
  const weightChunks: Buffer[] = [];
  let offset = 0;
  // Sorted by name so that equal models give byte-identical files.
  for (const tensor of [...content.weights].sort((a, b) => compare(a.name, b.name))) {
    weightIndex.push({name: tensor.name, shape: [...tensor.shape], offset, length: tensor.data.length});
    weightChunks.push(float32Bytes(tensor.data));
    offset += tensor.data.length;
  }
  const slotIndex: (TensorIndexEntry & {slot: string})[] = [];
  const slotChunks: Buffer[] = [];
  offset = 0;
  for (const parameter of Object.keys(content.optimizer.slots).sort(compare)) {
    const slots = content.optimizer.slots[parameter] ?? {};
    for (const slot of Object.keys(slots).sort(compare)) {
      const data = slots[slot] as Float32Array;
      slotIndex.push({name: parameter, slot, shape: [data.length], offset, length: data.length});
      slotChunks.push(float32Bytes(data));
      offset += data.length;
    }
  }
  const state: CheckpointStateFile = {
    schemaVersion: 1,
    step: content.step,
    weights: weightIndex,
    optimizer: {
      type: content.optimizer.type,
      version: content.optimizer.version,
      step: content.optimizer.step,
      hyper: content.optimizer.hyper,
      slots: slotIndex,
    },
    trainer: content.trainer,
  };
  return {
    weights: weightChunks,
    optimizer: slotChunks,
    state: Buffer.from(`${JSON.stringify(state, null, 2)}\n`),
  };
}

function decodeCheckpoint(weights: Buffer, optimizer: Buffer, stateBytes: Buffer, path: string): CheckpointContent {
  let state: CheckpointStateFile;
  try {
    state = JSON.parse(stateBytes.toString('utf8')) as CheckpointStateFile;
  } catch {
    throw corrupt(`${path}/state.json is not valid JSON`);
  }
  if (
    state?.schemaVersion !== 1 ||
    !Number.isInteger(state.step) ||
    !Array.isArray(state.weights) ||
    !Array.isArray(state.optimizer?.slots)
  ) {
    throw corrupt(`${path}/state.json has an unknown layout`);
  }
  const weightValues = float32View(weights, `${path}/weights.bin`);
  const slotValues = float32View(optimizer, `${path}/optimizer.bin`);
  const slice = (values: Float32Array, entry: TensorIndexEntry, file: string): Float32Array => {
    if (entry.offset < 0 || entry.offset + entry.length > values.length)
      throw corrupt(`${path}/${file}: ${entry.name} lies outside the file`);
    return values.slice(entry.offset, entry.offset + entry.length);
  };
  const slots: Record<string, Record<string, Float32Array>> = {};
  for (const entry of state.optimizer.slots) {
    const forParameter = slots[entry.name] ?? {};
    forParameter[entry.slot] = slice(slotValues, entry, 'optimizer.bin');
    slots[entry.name] = forParameter;
  }
  return {
    step: state.step,
    weights: state.weights.map((entry) => ({name: entry.name, shape: entry.shape, data: slice(weightValues, entry, 'weights.bin')})),
    optimizer: {
      type: state.optimizer.type,
      version: state.optimizer.version,
      step: state.optimizer.step,
      hyper: state.optimizer.hyper,
      slots,
    },
    trainer: state.trainer,
  };
}

function parseManifest(bytes: Buffer, path: string): CheckpointManifest {
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as CheckpointManifest;
  } catch {
    throw corrupt(`${path} is not valid JSON`);
  }
  if (
    manifest?.schemaVersion !== 1 ||
    manifest.kind !== 'checkpoint' ||
    !Number.isInteger(manifest.step) ||
    !Array.isArray(manifest.files)
  ) {
    throw corrupt(`${path} is not a checkpoint manifest`);
  }
  for (const entry of manifest.files) {
    if (typeof entry?.path !== 'string' || entry.path.includes('/') || entry.path.startsWith('.') || !Number.isInteger(entry.bytes)) {
      throw corrupt(`${path} lists an invalid file entry`);
    }
  }
  return manifest;
}

/** Little-endian float32 (the format the optimizer contract specifies); every supported platform is LE. */
function float32Bytes(data: Float32Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function float32View(bytes: Buffer, file: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw corrupt(`${file} is not a whole number of float32 values`);
  // Copy into an aligned buffer: a Buffer's offset in Node's pool need not be a multiple of 4.
  const aligned = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(aligned.buffer).set(bytes);
  return aligned;
}

function byteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}

/** Like core's `writeFileSynced`, for a file given as chunks (one per tensor): never concatenated in memory. */
async function writeChunksSynced(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'wx');
    for (const chunk of chunks) {
      for (let written = 0; written < chunk.byteLength; ) {
        const {bytesWritten} = await handle.write(chunk, written, chunk.byteLength - written);
        written += bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

async function readOrFail(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw corrupt(`${path} cannot be read (${errnoCode(error) ?? String(error)})`);
  }
}

function corrupt(message: string): CodexError {
  return new CodexError('E_CHECKPOINT', message, {hint: 'the checkpoint is incomplete or was modified', exitCode: ExitCode.integrity});
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
