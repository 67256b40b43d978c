import {exactSeed} from '../seed-format.js';
import type {SchemaNode} from '../schema-node.js';

/** Convict validators for training numbers; each throws a message convict prefixes with the key. */
function positive(value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new Error(`must be a positive number, got ${String(value)}`);
}
function nonNegative(value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`must be a number >= 0, got ${String(value)}`);
}
function positiveInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`must be an integer >= 1, got ${String(value)}`);
}

/** Keys of `codex train` (configs/training/base.yaml). */
export const trainingSection = {
  training: {
    engine: {
      doc: 'Training engine backend (tfjs, or one a plugin adds); its own keys: training.<engine>.*; its optimizers are the ones training.optimizer.name may name.',
      format: String,
      default: 'tfjs',
    },
    model: {
      contextLength: {
        doc: 'Tokens of context per sample (the runner cuts windows this long; the engine sizes its positions by it).',
        format: positiveInt,
        default: 64,
      },
    },
    optimizer: {
      name: {
        doc: 'Optimizer backend (sgd, momentum, adam, adamw, …); its own keys: training.optimizer.<name>.*.',
        format: String,
        default: 'adamw',
      },
      learningRate: {doc: 'Peak learning rate.', format: positive, default: 0.003},
      weightDecay: {
        doc: 'Weight decay on matrices, not on biases and norms (decoupled for adamw, L2 for the others).',
        format: nonNegative,
        default: 0.01,
      },
    },
    schedule: {
      name: {doc: 'Learning-rate schedule.', format: ['constant', 'warmup-cosine'], default: 'warmup-cosine'},
      warmupSteps: {doc: 'Linear warm-up steps (warmup-cosine).', format: 'nat', default: 10},
      minLearningRate: {doc: 'Floor the cosine decays to (warmup-cosine).', format: nonNegative, default: 0.0003},
    },
    clipNorm: {doc: 'Clip gradients to this global L2 norm; 0 disables clipping.', format: nonNegative, default: 1},
    accumulationSteps: {doc: 'Micro-batches whose gradients are averaged into one update.', format: positiveInt, default: 1},
    workers: {
      doc: 'Threads computing each step (data parallelism); 0: one per core. Losses and weights do not depend on it.',
      format: 'nat',
      default: 0,
    },
    // Runner keys: inputs, length of the run, evaluation, checkpoints.
    seed: {
      doc: 'Seed of every random choice (weights init, dropout, batch sampling). An integer from 0 to 2^53 − 1.',
      format: exactSeed,
      default: 1337,
    },
    data: {doc: 'Data manifest: a data run id, its run directory or its manifest file (codex prepare-data).', format: String, default: ''},
    tokenizer: {
      doc: 'Trained tokenizer: a tokenizer.json file or the directory holding it (codex tokenizer:train).',
      format: String,
      default: '',
    },
    trainSplit: {doc: 'Split of the data run that trains the model.', format: String, default: 'train'},
    valSplit: {doc: 'Split of the data run that evaluations score.', format: String, default: 'validation'},
    batchSize: {doc: 'Sequences per micro-batch.', format: positiveInt, default: 16},
    steps: {doc: 'Optimizer updates to run (the schedule decays over this many).', format: positiveInt, default: 200},
    epochs: {doc: 'When > 0, run this many passes over the train split instead of training.steps.', format: nonNegative, default: 0},
    logInterval: {doc: 'Write a metrics line every N steps.', format: positiveInt, default: 1},
    evalInterval: {doc: 'Evaluate on the val split every N steps (and at the end); 0 disables.', format: 'nat', default: 50},
    evalBatches: {doc: 'Batches of the val split per evaluation (fixed windows, no sampling).', format: positiveInt, default: 8},
    checkpointInterval: {
      doc: 'Write a checkpoint every N steps (and at the end); 0 writes only the final one.',
      format: 'nat',
      default: 50,
    },
    keepLast: {doc: 'Checkpoints to keep; older ones are deleted after each new one is complete.', format: positiveInt, default: 3},
    earlyStopping: {
      patience: {doc: 'Stop after this many evaluations without improvement of the val loss; 0 disables.', format: 'nat', default: 0},
      minDelta: {doc: 'Smallest decrease of the val loss that counts as an improvement.', format: nonNegative, default: 0},
    },
  },
} satisfies Record<string, SchemaNode>;
