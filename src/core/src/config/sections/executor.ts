import type {SchemaNode} from '../schema-node.js';

function positiveInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`must be an integer >= 1, got ${String(value)}`);
}
function nonNegativeInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`must be an integer >= 0, got ${String(value)}`);
}

/** Keys of sharded work: prepare-data, tokenizer:train and pipeline split it when executor.shards > 1; codex worker runs it. */
export const executorSection = {
  executor: {
    name: {
      doc: 'Executor backend that runs shards: local (worker processes here) or bullmq (workers on Redis).',
      format: String,
      default: 'local',
    },
    shards: {
      doc: 'Shards of prepare-data and tokenizer training (1 = no sharding: one process does the whole job).',
      format: positiveInt,
      default: 1,
    },
    processes: {doc: 'local: worker processes at once; 0 = one per core.', format: nonNegativeInt, default: 0},
    attempts: {
      doc: 'Runs of a shard before its failure fails the command (a dead worker counts as a failed run).',
      format: positiveInt,
      default: 3,
    },
    dir: {
      doc: 'Directory for shard outputs, shared by every worker (content-addressed files); empty = <cache.dir>/shards.',
      format: String,
      default: '',
      path: true,
    },
  },
} satisfies Record<string, SchemaNode>;
