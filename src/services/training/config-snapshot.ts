import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  type Checksum,
  CodexError,
  type ConfigSchema,
  ExitCode,
  type ResolvedConfig,
  errnoCode,
  fileError,
  migrateConfigValues,
  resolveConfig,
  writeFileAtomic,
} from '@codex-ml/core';
import {RESUMABLE_KEYS} from './training-options.js';

/** `config.snapshot`: everything needed to understand — and to resume — a training run. */
export interface ConfigSnapshot {
  readonly schemaVersion: 1;
  readonly kind: 'training-config';
  readonly runId: string;
  readonly createdAt: string;
  readonly seed: number;
  /** Digest of `config` (canonical JSON) with the run's hasher. */
  readonly configDigest: Checksum;
  readonly parents: {readonly data: string; readonly tokenizer: string | null; readonly tokenCache: string};
  readonly inputs: {
    readonly tokenizer: {readonly path: string; readonly checksum: Checksum};
    /** `manifest`: absolute path of the data manifest, so a resume from another directory finds it. */
    readonly data: {readonly runId: string; readonly manifest: string; readonly datasetIds: readonly string[]};
    readonly tokenCacheKey: Checksum;
    readonly vocabSize: number;
    readonly totalSteps: number;
  };
  /** Each resume that changed the run's settings, oldest first: a run's target only ever grows. */
  readonly resumes?: readonly {readonly at: string; readonly fromStep: number | null; readonly totalSteps: number}[];
  /** The run and checkpoint this run was started from (`train --resume … --fork`). */
  readonly forkedFrom?: {readonly runId: string; readonly step: number};
  /** Tool versions, the training engine and what computed inside it (a TensorFlow.js backend). */
  readonly versions: Readonly<Record<string, string>>;
  /** Absent in snapshots written before engines were a contract: those trained on `tfjs`. */
  readonly engine?: string;
  readonly backend: string;
  /** The resolved configuration, every key. */
  readonly config: Readonly<Record<string, unknown>>;
}

export const SNAPSHOT_FILE = 'config.snapshot';

export async function writeSnapshot(runPath: string, snapshot: ConfigSnapshot): Promise<void> {
  await writeFileAtomic(join(runPath, SNAPSHOT_FILE), `${JSON.stringify(snapshot, null, 2)}\n`);
}

export async function readSnapshot(runPath: string): Promise<ConfigSnapshot> {
  const path = join(runPath, SNAPSHOT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new CodexError('E_RESUME', `${runPath} is not a training run (no ${SNAPSHOT_FILE})`, {
        hint: 'pass a run directory written by codex train, a run id, or latest',
        exitCode: ExitCode.input,
      });
    }
    throw fileError(path, error);
  }
  let snapshot: ConfigSnapshot;
  try {
    snapshot = JSON.parse(text) as ConfigSnapshot;
  } catch {
    throw new CodexError('E_RESUME', `${path} is not valid JSON`, {
      hint: 'the run cannot be resumed; start a new one',
      exitCode: ExitCode.integrity,
    });
  }
  if (snapshot?.schemaVersion !== 1 || snapshot.kind !== 'training-config' || typeof snapshot.config !== 'object') {
    throw new CodexError('E_RESUME', `${path} is not a config snapshot this version reads`, {
      hint: 'the run cannot be resumed; start a new one',
      exitCode: ExitCode.integrity,
    });
  }
  return snapshot;
}

/**
 * The config a resumed run continues with: the snapshot's, plus `--set` overrides of the keys that only
 * decide how long the run goes on (`RESUMABLE_KEYS`). Any other override would change what the steps compute,
 * so it is refused. Environment variables are not read: the snapshot already holds their effect. Keys a plugin
 * moved since the run started are read under their new names (`schema` knows which keys replace which).
 */
export async function resumeConfig(snapshot: ConfigSnapshot, sets: readonly string[], schema: ConfigSchema): Promise<ResolvedConfig> {
  const directory = await mkdtemp(join(tmpdir(), 'codex-resume-'));
  const file = join(directory, 'config.json');
  try {
    // JSON is YAML: the snapshot's values go through the normal resolution path, schema checks included.
    await writeFile(file, JSON.stringify(migrateConfigValues(snapshot.config, schema)));
    const resolved = resolveConfig({file, env: {}, sets, schema});
    const original = resolveConfig({file, env: {}, schema});
    for (const key of schema.leaves.keys()) {
      if (!key.startsWith('training.') || RESUMABLE_KEYS.includes(key)) continue;
      if (JSON.stringify(resolved.get(key)) !== JSON.stringify(original.get(key))) {
        throw new CodexError(
          'E_RESUME',
          `--set ${key}: cannot change on resume (the run was started with ${JSON.stringify(original.get(key))})`,
          {
            hint: `only ${RESUMABLE_KEYS.join(', ')} may change when resuming; start a new run for other changes`,
            exitCode: ExitCode.usage,
          },
        );
      }
    }
    return resolved;
  } finally {
    await rm(directory, {recursive: true, force: true});
  }
}
