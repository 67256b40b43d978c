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
