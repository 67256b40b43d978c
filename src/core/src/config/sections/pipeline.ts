import type {SchemaNode} from '../schema-node.js';

/** Keys of `codex pipeline` and `codex evaluate` (configs/pipeline.yaml). */
export const pipelineSection = {
  evaluation: {
    split: {doc: 'Split of the data run the final model is evaluated on.', format: String, default: 'test'},
    batchSize: {doc: 'Windows per evaluation batch.', format: 'nat', default: 16},
    maxBatches: {doc: 'Evaluate at most this many batches (0 = the whole split).', format: 'nat', default: 0},
  },
  pipeline: {
    report: {doc: 'Write the HTML report of the final run (runs:report) at the end of the pipeline.', format: Boolean, default: true},
  },
} satisfies Record<string, SchemaNode>;
