import {CodexError, ExitCode} from '@codex-ml/core';

/** Task names of the shard jobs this CLI hands to an executor, and the JSON each job carries. */
export const SHARD_TASKS = {
  /** `prepare-data --shard`: checksum a share of the items into a data partial. */
  data: 'data.checksum-shard',
  /** `tokenizer:count --shard`: count the words of a share of the corpus into a word-count partial. */
  tokenizer: 'tokenizer.count-shard',
} as const;

export type ShardTask = (typeof SHARD_TASKS)[keyof typeof SHARD_TASKS];

export interface ShardPayload {
  /** Working directory of the command that enqueued it: relative paths in `sets` are relative to it. */
  readonly cwd: string;
  /** The command's config as `key=value` overrides (every key not at its default, credentials left out). */
  readonly sets: readonly string[];
  /** Where the partial goes: a content-addressed file in the executor's shared directory. */
  readonly out: string;
  /** data: the config snapshot the data manifest records. */
  readonly record?: Readonly<Record<string, unknown>>;
  /** tokenizer: accept drifted data-run files, as the command was told to. */
  readonly allowDrift?: boolean;
}

/**
 * A job's payload as a `ShardPayload`. Jobs cross process and machine boundaries (a queue another codex version
 * may feed), so the shape is checked rather than assumed: a malformed job fails naming its field.
 */
export function readShardPayload(payload: Readonly<Record<string, unknown>>): ShardPayload {
  const {cwd, sets, out, record, allowDrift} = payload;
  const malformed = (field: string, expected: string) =>
    new CodexError('E_SHARD', `shard job payload field "${field}" is not ${expected}`, {
      hint: 'the job was enqueued by another codex version: run the same version on the coordinator and the workers',
      exitCode: ExitCode.usage,
    });
  if (typeof cwd !== 'string') throw malformed('cwd', 'a string');
  if (!Array.isArray(sets) || !sets.every((set): set is string => typeof set === 'string')) throw malformed('sets', 'a list of strings');
  if (typeof out !== 'string') throw malformed('out', 'a string');
  if (record !== undefined && (typeof record !== 'object' || record === null || Array.isArray(record)))
    throw malformed('record', 'an object');
  if (allowDrift !== undefined && typeof allowDrift !== 'boolean') throw malformed('allowDrift', 'a boolean');
  return {
    cwd,
    sets,
    out,
    ...(record === undefined ? {} : {record: record as Readonly<Record<string, unknown>>}),
    ...(allowDrift === undefined ? {} : {allowDrift}),
  };
}
