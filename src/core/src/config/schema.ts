import type {SchemaNode} from './schema-node.js';
import {coreSection} from './sections/core.js';
import {dataSection} from './sections/data.js';
import {executorSection} from './sections/executor.js';
import {tokenizationSection} from './sections/tokenization.js';
import {pipelineSection} from './sections/pipeline.js';
import {trainingSection} from './sections/training.js';

/**
 * The whole configuration schema. One section per domain so each can grow on its own; sections must not
 * declare the same top-level key.
 */
export const configSchema: Record<string, SchemaNode> = {
  ...coreSection,
  ...dataSection,
  ...tokenizationSection,
  ...trainingSection,
  ...pipelineSection,
  ...executorSection,
};
