import {mkdir, readFile, readdir, rm, stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {
  type BackendOptions,
  CodexError,
  ExitCode,
  type Lock,
  type Manifest,
  type ManifestQuery,
  type ManifestStore,
  type ManifestSummary,
  TEMP_FILE_PATTERN,
  acquireLock,
  assertRunId,
  errnoCode,
  fileError,
  isAlive,
  isCodexError,
  listRunIds,
  writeFileAtomic,
  checkManifestHeader,
  datasetIdsOf,
} from '@codex-ml/core';

/** File name of a run's manifest inside its run directory. */
export const MANIFEST_FILE = 'manifest.json';

/** How long `put` and `delete` wait for another writer of the same run before giving up. */
const LOCK_WAIT_MS = 10_000;

const CORRUPT_HINT = 'the file was truncated or edited by hand; restore it from a backup or delete the run directory';

/**
 * Manifests as files: `<dir>/<runId>/manifest.json`, next to the run's other artifacts, so a run directory is
 * self-contained and can be copied or archived on its own.
 *
 * - `put` writes through `writeFileAtomic` (temp file, fsync, rename), so a reader or a process killed mid-write
 *   never leaves a partial manifest; the per-run lock `manifest.json.lock` makes the existence check and the
 *   write one step, so of two concurrent puts of one run exactly one wins and the other gets `E_EXISTS`.
 * - `get` resolves undefined when the run has no manifest and throws `E_MANIFEST` naming the run when the file
 *   is not JSON or its header is invalid; a malformed run id throws `E_RUN_ID` (ids become paths).
 * - `list` reads every run's header, so it costs one file read per run; `delete` removes only manifest.json.
 *
 * Options: `dir`, the runs directory (default `runs`, relative to the working directory).
 */
export class FsManifestStore implements ManifestStore {
  readonly name = 'fs';
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  static create(options: BackendOptions = {}): FsManifestStore {
    const dir = options['dir'] ?? 'runs';
    if (typeof dir !== 'string' || dir === '') {
      throw new CodexError('E_CONFIG', `manifest store fs: dir ${JSON.stringify(dir)} is not a path`, {
        hint: 'set runs.dir to a directory',
        exitCode: ExitCode.config,
      });
    }
    return new FsManifestStore(dir);
  }

  /** Path of a run's manifest file (whether or not it exists). */
  pathOf(runId: string): string {
    return join(this.dir, assertRunId(runId, 'manifest store'), MANIFEST_FILE);
  }

  async put(manifest: Manifest, options: {readonly replace?: boolean} = {}): Promise<void> {
    const checked = checkManifestHeader(manifest, 'cannot store manifest', 'build manifests with every header field');
    const path = this.pathOf(checked.runId);
    const text = `${JSON.stringify(checked, null, 2)}\n`;
    await this.withRunLock(checked.runId, async () => {
      if (!options.replace && (await exists(path))) {
        throw new CodexError('E_EXISTS', `run ${checked.runId} already has a manifest (${path})`, {
          hint: 'run ids are unique per run; pass {replace: true} to overwrite on purpose',
          exitCode: ExitCode.input,
        });
      }
      await removeAbandonedTempFiles(join(this.dir, checked.runId));
      await writeFileAtomic(path, text);
    });
  }

  async get(runId: string): Promise<Manifest | undefined> {
    const path = this.pathOf(runId);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
      throw fileError(path, error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new CodexError('E_MANIFEST', `run ${runId}: ${path} is not valid JSON (${reason})`, {
        hint: CORRUPT_HINT,
        exitCode: ExitCode.integrity,
      });
    }
    const manifest = checkManifestHeader(parsed, `run ${runId}: ${path}`, CORRUPT_HINT);
    if (manifest.runId !== runId) {
      throw new CodexError('E_MANIFEST', `run ${runId}: ${path} records run id ${manifest.runId}`, {
        hint: CORRUPT_HINT,
        exitCode: ExitCode.integrity,
      });
    }
    return manifest;
  }

  async list(query: ManifestQuery = {}): Promise<ManifestSummary[]> {
    const runIds = await listRunIds(this.dir);
    if (query.newestFirst) runIds.reverse();
    const summaries: ManifestSummary[] = [];
    for (const runId of runIds) {
      if (query.limit !== undefined && summaries.length >= query.limit) break;
      const manifest = await this.get(runId);
      if (!manifest) continue;
      const datasetIds = datasetIdsOf(manifest);
      if (query.kind !== undefined && manifest.kind !== query.kind) continue;
      if (query.parent !== undefined && !manifest.parents.includes(query.parent)) continue;
      if (query.datasetId !== undefined && !datasetIds.includes(query.datasetId)) continue;
      summaries.push({runId, kind: manifest.kind, createdAt: manifest.createdAt, parents: [...manifest.parents], datasetIds});
    }
    return summaries;
  }

  async delete(runId: string): Promise<boolean> {
    const path = this.pathOf(runId);
    if (!(await exists(path))) return false;
    return await this.withRunLock(runId, async () => {
      if (!(await exists(path))) return false;
      await rm(path, {force: true}).catch((error: unknown) => {
        throw fileError(path, error, 'delete');
      });
      return true;
    });
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** Runs `body` holding the run's manifest lock, waiting (with backoff) while another writer holds it. */
  private async withRunLock<T>(runId: string, body: () => Promise<T>): Promise<T> {
    const lockPath = `${this.pathOf(runId)}.lock`;
    await mkdir(join(this.dir, runId), {recursive: true}).catch((error: unknown) => {
      throw fileError(join(this.dir, runId), error, 'create run directory');
    });
    const deadline = Date.now() + LOCK_WAIT_MS;
    let delay = 1;
    let lock: Lock | undefined;
    while (!lock) {
      try {
        lock = await acquireLock(lockPath, `manifest of run ${runId}`);
      } catch (error) {
        if (!isCodexError(error) || error.code !== 'E_LOCKED' || Date.now() > deadline) throw error;
        await new Promise((done) => setTimeout(done, delay));
        delay = Math.min(delay * 2, 50);
      }
    }
    try {
      return await body();
    } finally {
      await lock.release();
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw fileError(path, error);
  }
}

/** Temp files of writers killed between write and rename; their pid is part of the name. */
async function removeAbandonedTempFiles(runDir: string): Promise<void> {
  const names = await readdir(runDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`.${MANIFEST_FILE}.`) || !TEMP_FILE_PATTERN.test(name)) continue;
    const pid = Number(name.split('.').at(-3));
    if (Number.isInteger(pid) && !isAlive(pid)) await rm(join(runDir, name), {force: true});
  }
}
