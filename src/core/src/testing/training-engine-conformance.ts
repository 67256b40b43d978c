import type {OptimizerFactory, OptimizerOptions} from '../contracts/optimizer.js';
import type {EngineModel, ModelSpec, NamedTensor, TokenBatch, TrainableModel, TrainingEngine} from '../contracts/training-engine.js';
import {
  type ConformanceTest,
  type Invariant,
  type InvariantResult,
  ensure,
  registerInvariants,
  runInvariants,
  show,
} from './conformance-suite.js';
import {bitwiseEqual, optimizerStateBits} from './float-bits.js';

export interface TrainingEngineConformanceOptions {
  /** Names the implementation in test titles and messages, e.g. `training-engine tfjs`. */
  readonly name: string;
  /**
   * Builds the engine under test, typically the backend's `create(options)`, configured with its stochastic
   * layers (dropout) off: the micro-batch invariant compares a batch's gradient with itself.
   */
  readonly engine: () => TrainingEngine | Promise<TrainingEngine>;
  /** An optimizer of this engine (what `training.optimizer.name` would bind). */
  readonly optimizer: () => OptimizerFactory | Promise<OptimizerFactory>;
  /** Default `{learningRate: 0.01}`; the learning rate is also the one every step runs at. */
  readonly optimizerOptions?: OptimizerOptions;
  /** Default 0 (no clipping). */
  readonly clipNorm?: number;
  /** Size of the toy vocabulary; default 16. */
  readonly vocabSize?: number;
  /** Tokens per row; default 8. */
  readonly contextLength?: number;
  /** Rows per batch; default 4. */
  readonly batchSize?: number;
  /** Steps of the learning check; default 30. */
  readonly learningSteps?: number;
  readonly seed?: number;
}

export const TRAINING_ENGINE_INVARIANTS = {
  description: 'describes itself',
  seeded: 'same seed, same losses',
  resume: 'state save and restore continue bitwise',
  evaluation: 'evaluation changes nothing',
  accumulation: 'micro-batches are averaged',
  weights: 'weights round trip',
  mismatch: 'weights of another shape are refused',
  learns: 'training lowers the loss',
  foreignOptimizer: 'optimizers of another engine are refused',
} as const;

/** The invariants of the `TrainingEngine` contract, for `registerInvariants` or `runInvariants`. */
export function trainingEngineInvariants(options: TrainingEngineConformanceOptions): Invariant[] {
  const I = TRAINING_ENGINE_INVARIANTS;
  let engine: Promise<TrainingEngine> | undefined;
  const subject = async (): Promise<TrainingEngine> => {
    engine ??= Promise.resolve(options.engine());
    return await engine;
  };
  const spec: ModelSpec = {vocabSize: options.vocabSize ?? 16, contextLength: options.contextLength ?? 8, seed: options.seed ?? 7};
  const optimizerOptions = options.optimizerOptions ?? {learningRate: 0.01};
  const lr = optimizerOptions.learningRate;
  const batch = (index: number): TokenBatch => toyBatch(spec.vocabSize, options.batchSize ?? 4, spec.contextLength, index);
  const trainable = async (seed = spec.seed): Promise<TrainableModel> =>
    await (await subject()).createTrainableModel(
      {...spec, seed},
      {optimizer: await Promise.resolve(options.optimizer()), optimizerOptions, clipNorm: options.clipNorm ?? 0},
    );
  /** Runs steps `from + 1 … to` on batches `from … to − 1` and returns their losses. */
  const train = async (model: TrainableModel, from: number, to: number): Promise<number[]> => {
    const losses: number[] = [];
    for (let step = from + 1; step <= to; step++) losses.push((await model.trainStep([batch(step - 1)], step, lr)).loss);
    return losses;
  };
  /** Runs `body` with the models, then disposes them whatever happened. */
  const using = async <const M extends readonly EngineModel[]>(models: M, body: (models: M) => Promise<void>): Promise<void> => {
    try {
      await body(models);
    } finally {
      for (const model of models) await model.dispose();
    }
  };

  return [
    {
      name: I.description,
      async check() {
        const e = await subject();
        const {description} = e;
        ensure(typeof e.name === 'string' && e.name !== '', I.description, `name is ${show(e.name)}`);
        ensure(
          description?.engine === e.name,
          I.description,
          `description.engine ${show(description?.engine)} is not name ${show(e.name)}`,
        );
        ensure(typeof description.backend === 'string' && description.backend !== '', I.description, 'description.backend is empty');
        for (const [name, version] of Object.entries(description.versions ?? {})) {
          ensure(typeof version === 'string', I.description, `description.versions[${show(name)}] is ${show(version)}, not a string`);
        }
      },
    },
    {
      name: I.seeded,
      async check() {
        await using(
          [await trainable(), await trainable(), await trainable(), await trainable(spec.seed + 1)],
          async ([a, b, fresh, other]) => {
            const first = await train(a, 0, 3);
            const second = await train(b, 0, 3);
            ensure(first.every(Number.isFinite), I.seeded, `losses ${first.join(', ')} are not all finite`);
            ensure(
              first.every((loss, i) => Object.is(loss, second[i])),
              I.seeded,
              `two models of seed ${spec.seed} trained on the same batches lost ${first.join(', ')} and ${second.join(', ')}`,
            );
            const differing = firstDifference(await a.getWeights(), await b.getWeights());
            ensure(differing === undefined, I.seeded, `after the same steps, weight ${show(differing)} differs between the two models`);
            ensure(
              firstDifference(await fresh.getWeights(), await other.getWeights()) !== undefined,
              I.seeded,
              `seeds ${spec.seed} and ${spec.seed + 1} give the same initial weights`,
            );
          },
        );
      },
    },
    {
      name: I.resume,
      async check() {
        // Same seed, as a resumed run has: dropout masks may follow from it. The weights differ after 3 steps.
        await using([await trainable(), await trainable()], async ([a, b]) => {
          await train(a, 0, 3);
          await b.setWeights(await a.getWeights());
          await b.setOptimizerState(await a.getOptimizerState());
          const next = batch(3);
          const [x, y] = [await a.trainStep([next], 4, lr), await b.trainStep([next], 4, lr)];
          ensure(
            Object.is(x.loss, y.loss) && Object.is(x.gradNorm, y.gradNorm),
            I.resume,
            `the step after restoring reports loss ${y.loss} and gradient norm ${y.gradNorm}, the original ${x.loss} and ${x.gradNorm}`,
          );
          const differing = firstDifference(await a.getWeights(), await b.getWeights());
          ensure(
            differing === undefined,
            I.resume,
            `the step after restoring leaves weight ${show(differing)} different from the original's`,
          );
          ensure(
            optimizerStateBits(await a.getOptimizerState()) === optimizerStateBits(await b.getOptimizerState()),
            I.resume,
            'the optimizer states differ after the step that follows the restore',
          );
        });
      },
    },
    {
      name: I.evaluation,
      async check() {
        await using([await trainable()], async ([m]) => {
          await train(m, 0, 2);
          const weights = await m.getWeights();
          const state = optimizerStateBits(await m.getOptimizerState());
          const scored = batch(5);
          const first = await m.evaluate(scored);
          const second = await m.evaluate(scored);
          ensure(Number.isFinite(first), I.evaluation, `evaluate returned ${first}`);
          ensure(Object.is(first, second), I.evaluation, `evaluating the same batch twice gave ${first} then ${second}`);
          const differing = firstDifference(weights, await m.getWeights());
          ensure(differing === undefined, I.evaluation, `evaluate changed weight ${show(differing)}`);
          ensure(state === optimizerStateBits(await m.getOptimizerState()), I.evaluation, 'evaluate changed the optimizer state');
          await using([await (await subject()).createModel({...spec, seed: spec.seed + 1})], async ([plain]) => {
            await plain.setWeights(weights);
            const score = await plain.evaluate(scored);
            ensure(
              Object.is(score, first),
              I.evaluation,
              `a model created without an optimizer scores ${score} with the weights a trainable model scores ${first} with`,
            );
          });
        });
      },
    },
    {
      name: I.accumulation,
      async check() {
        await using([await trainable(), await trainable()], async ([twice, once]) => {
          const a = batch(0);
          const doubled = await twice.trainStep([a, a], 1, lr);
          const single = await once.trainStep([a], 1, lr);
          ensure(
            close(doubled.loss, single.loss) && close(doubled.gradNorm, single.gradNorm),
            I.accumulation,
            `a step over [a, a] reports loss ${doubled.loss} and gradient norm ${doubled.gradNorm}, one over [a] ${single.loss} and ${single.gradNorm}: gradients must be averaged, not summed`,
          );
          const [x, y] = [await twice.getWeights(), await once.getWeights()];
          for (const tensor of x) {
            const other = y.find((candidate) => candidate.name === tensor.name);
            ensure(
              other !== undefined && maxAbsDifference(tensor.data, other.data) <= 1e-5,
              I.accumulation,
              `after a step over [a, a] weight ${show(tensor.name)} differs from the one after a step over [a]`,
            );
          }
        });
      },
    },
    {
      name: I.weights,
      async check() {
        await using([await trainable(), await trainable(spec.seed + 1)], async ([a, b]) => {
          await train(a, 0, 2);
          const weights = await a.getWeights();
          const names = weights.map((tensor) => tensor.name);
          ensure(names.length > 0, I.weights, 'getWeights returned no tensors');
          ensure(
            names.every((name, i) => i === 0 || (names[i - 1] as string) < name),
            I.weights,
            `weight names are not sorted and unique: ${show(names.join(', '))}`,
          );
          for (const tensor of weights) {
            const size = tensor.shape.reduce((x, y) => x * y, 1);
            ensure(tensor.data instanceof Float32Array, I.weights, `weight ${show(tensor.name)} is not a Float32Array`);
            ensure(
              size === tensor.data.length,
              I.weights,
              `weight ${show(tensor.name)} has shape [${tensor.shape}] but ${tensor.data.length} values`,
            );
          }
          const total = weights.reduce((sum, tensor) => sum + tensor.data.length, 0);
          ensure(a.parameterCount === total, I.weights, `parameterCount is ${a.parameterCount}, the weights hold ${total} values`);
          const scored = batch(6);
          const before = await a.evaluate(scored);
          for (const tensor of weights) tensor.data.fill(0);
          ensure(
            Object.is(await a.evaluate(scored), before),
            I.weights,
            'zeroing arrays returned by getWeights changed the model: they are views, not copies',
          );
          const copies = await a.getWeights();
          const kept = copies.map((tensor) => Float32Array.from(tensor.data));
          await train(a, 2, 3);
          ensure(
            copies.every((tensor, i) => bitwiseEqual(tensor.data, kept[i] as Float32Array)),
            I.weights,
            'arrays returned by getWeights changed when the model trained: they are views, not copies',
          );
          await b.setWeights(await a.getWeights());
          const [x, y] = [await a.evaluate(scored), await b.evaluate(scored)];
          ensure(Object.is(x, y), I.weights, `after setWeights of another model's weights the loss is ${y}, that model's ${x}`);
        });
      },
    },
    {
      name: I.mismatch,
      async check() {
        await using([await trainable()], async ([m]) => {
          const weights = await m.getWeights();
          const scored = batch(2);
          const before = await m.evaluate(scored);
          const [dropped, ...rest] = weights;
          const missing = await m.setWeights(rest).then(
            () => undefined,
            (error: unknown) => error,
          );
          ensure(missing !== undefined, I.mismatch, `setWeights without weight ${show(dropped?.name)} was accepted`);
          ensure(
            codeOf(missing) === 'E_WEIGHTS' && messageOf(missing).includes(dropped?.name ?? ''),
            I.mismatch,
            `setWeights without weight ${show(dropped?.name)} threw ${show(messageOf(missing))}, not an E_WEIGHTS error naming it`,
          );
          const last = weights[weights.length - 1] as NamedTensor;
          const truncated = [...weights.slice(0, -1), {...last, data: last.data.slice(0, Math.max(0, last.data.length - 1))}];
          const short = await m.setWeights(truncated).then(
            () => undefined,
            (error: unknown) => error,
          );
          ensure(
            codeOf(short) === 'E_WEIGHTS' && messageOf(short).includes(last.name),
            I.mismatch,
            `setWeights with one value missing from ${show(last.name)} ${short === undefined ? 'was accepted' : `threw ${show(messageOf(short))}`}, not an E_WEIGHTS error naming it`,
          );
          ensure(Object.is(await m.evaluate(scored), before), I.mismatch, 'a refused setWeights changed the model');
        });
      },
    },
    {
      name: I.learns,
      async check(t) {
        await using([await trainable()], async ([m]) => {
          const held = [batch(100), batch(101)];
          const score = async () => ((await m.evaluate(held[0] as TokenBatch)) + (await m.evaluate(held[1] as TokenBatch))) / 2;
          const before = await score();
          const steps = options.learningSteps ?? 30;
          await train(m, 0, steps);
          const after = await score();
          t.log(`${options.name}: held-out loss ${before.toFixed(4)} → ${after.toFixed(4)} after ${steps} steps (lr ${lr})`);
          ensure(after < before, I.learns, `${steps} steps at lr ${lr} on a repetitive sequence moved its loss from ${before} to ${after}`);
        });
      },
    },
    {
      name: I.foreignOptimizer,
      async check() {
        const e = await subject();
        const foreign: OptimizerFactory = {
          type: 'alien-sgd',
          engine: `not-${e.name}`,
          create() {
            throw new Error('created an optimizer that serves another engine');
          },
        };
        const outcome = await e.createTrainableModel(spec, {optimizer: foreign, optimizerOptions, clipNorm: 0}).then(
          async (model) => {
            await model.dispose();
            return undefined;
          },
          (error: unknown) => error,
        );
        ensure(outcome !== undefined, I.foreignOptimizer, `an optimizer of engine "not-${e.name}" was accepted`);
        ensure(
          messageOf(outcome).includes('alien-sgd'),
          I.foreignOptimizer,
          `refusing an optimizer of engine "not-${e.name}" threw ${show(messageOf(outcome))}, which does not name it ("alien-sgd")`,
        );
      },
    },
  ];
}

/** Registers the training-engine suite with a test runner. */
export function trainingEngineConformance(test: ConformanceTest, options: TrainingEngineConformanceOptions): void {
  registerInvariants(test, options.name, trainingEngineInvariants(options));
}

/** Runs the training-engine suite without a test runner. */
export async function checkTrainingEngine(options: TrainingEngineConformanceOptions): Promise<InvariantResult[]> {
  return await runInvariants(options.name, trainingEngineInvariants(options));
}

/**
 * Rows of a repetitive toy language in which each token mostly determines the next one (i → i+3, and i+4
 * every seventh token), so any language model can learn it. Row `r` of batch `index` starts at a fixed offset.
 */
export function toyBatch(vocabSize: number, batchSize: number, length: number, index: number): TokenBatch {
  const token = (i: number) => (i * 3 + Math.floor(i / 7)) % vocabSize;
  const contexts = new Int32Array(batchSize * length);
  const targets = new Int32Array(batchSize * length);
  for (let row = 0; row < batchSize; row++) {
    const start = index * 37 + row * 11;
    for (let j = 0; j < length; j++) {
      contexts[row * length + j] = token(start + j);
      targets[row * length + j] = token(start + j + 1);
    }
  }
  return {batchSize, length, contexts, targets};
}

/** Name of the first tensor whose name or bits differ between two weight lists; undefined when identical. */
function firstDifference(a: readonly NamedTensor[], b: readonly NamedTensor[]): string | undefined {
  if (a.length !== b.length) return `(${a.length} tensors vs ${b.length})`;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as NamedTensor, b[i] as NamedTensor];
    if (x.name !== y.name || !bitwiseEqual(x.data, y.data)) return x.name;
  }
  return undefined;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
