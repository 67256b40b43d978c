import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {type Checksum, CodexError, ExitCode, canonicalJson, fileError, writeFileAtomic} from '@codex-ml/core';

/**
 * The file format every shard partial shares: JSON with a `type` and `version`, a `job` address (the SHA-256 of
 * what makes shards parts of one job) and an `id` (the SHA-256 of the canonical JSON without `id`: the content
 * address executors keep it under, and the proof it was not edited or damaged).
 */
export interface ShardPartialKind<Body extends ShardPartialHeader> {
  readonly type: Body['type'];
  readonly version: Body['version'];
  /** As errors name it: "a data partial". */
  readonly described: string;
  /** The command that writes it, for the hint of every refusal. */
  readonly writtenBy: string;
  /** What the job address covers, taken from a partial's body. */
  jobOf(body: Omit<Body, 'id' | 'job'>): unknown;
}

export interface ShardPartialHeader {
  readonly type: string;
  readonly version: number;
  readonly id: Checksum;
  readonly job: Checksum;
}

/** A partial with its `job` and `id` addresses filled in from its body. */
export function addressPartial<Body extends ShardPartialHeader>(
  kind: ShardPartialKind<Body>,
  body: Omit<Body, 'id' | 'job'>,
): Omit<Body, 'id' | 'job'> & {readonly job: Checksum; readonly id: Checksum} {
  const withJob = {...body, job: sha256(canonicalJson(kind.jobOf(body)))};
  return {...withJob, id: sha256(canonicalJson(withJob))};
}

/** Written atomically: a reader (or a merge) never sees half a partial. */
export async function writeShardPartial(path: string, partial: ShardPartialHeader): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(partial)}\n`);
}

/** Reads a partial of `kind`, refusing in one line anything else: another file, another version, an edited one. */
export async function readShardPartial<Body extends ShardPartialHeader>(path: string, kind: ShardPartialKind<Body>): Promise<Body> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw shardPartialError(kind, path, 'is not JSON');
  }
  const partial = value as Partial<ShardPartialHeader> | null;
  if (partial?.type !== kind.type) throw shardPartialError(kind, path, `is not ${kind.described} (type ${JSON.stringify(partial?.type)})`);
  if (partial.version !== kind.version)
    throw shardPartialError(kind, path, `has version ${partial.version}; this codex reads ${kind.version}`);
  // The type and version match; the addresses below prove the rest is what a writer of this kind wrote.
  const {id, job, ...body} = value as Body;
  if (sha256(canonicalJson({...body, job})) !== id || sha256(canonicalJson(kind.jobOf(body))) !== job) {
    throw shardPartialError(kind, path, 'does not match its content address (edited or damaged)');
  }
  return value as Body;
}

export function shardPartialError(
  kind: Pick<ShardPartialKind<ShardPartialHeader>, 'writtenBy'>,
  path: string,
  problem: string,
): CodexError {
  return new CodexError('E_PARTIAL', `${path} ${problem}`, {
    hint: `pass files written by ${kind.writtenBy}`,
    exitCode: ExitCode.input,
  });
}

function sha256(text: string): Checksum {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
