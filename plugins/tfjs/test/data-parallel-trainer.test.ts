import {isCodexError, type TokenBatch} from '@codex-ml/core';
import test from 'ava';
import {AdamWOptimizer, type GptConfig, GptModel, loadTfBackend, trainStep} from '../src/index.js';
import {DataParallelTrainer} from '../src/parallel/data-parallel-trainer.js';
import {gradientChunks} from '../src/parallel/gradient-chunks.js';
import {bitwiseEqual, toyBatch} from './toy-data.js';

// Rows of 16 tokens: 32 rows per chunk, so a micro-batch of 64 rows is two chunks and a step of two is four.
const TINY: GptConfig = {vocabSize: 50, contextLength: 16, layers: 1, heads: 2, dModel: 32, dropout: 0.1, tiedEmbeddings: true, seed: 11};
const ROWS = 64;

function batchesOf(step: number): TokenBatch[] {
  return [toyBatch(TINY.vocabSize, ROWS, TINY.contextLength, step * 97), toyBatch(TINY.vocabSize, ROWS, TINY.contextLength, step * 97 + 5)];
}

interface Trained {
  readonly results: Array<{loss: number; gradNorm: number}>;
  readonly weights: Map<string, Float32Array>;
  readonly state: ReturnType<AdamWOptimizer['getState']>;
}

async function train(workers: number, steps: number, from?: {weights: Map<string, Float32Array>; state: Trained['state']; first: number}) {
  const model = GptModel.create(TINY);
  const optimizer = new AdamWOptimizer({learningRate: 0.01, weightDecay: 0.1});
  const trainer = new DataParallelTrainer(model, optimizer, {workers, clipNorm: 0.5, backend: 'wasm'});
  if (from) {
    model.setWeights(from.weights);
    optimizer.setState(from.state);
    trainer.weightsChanged();
  }
  const results = [];
  try {
    for (let step = from?.first ?? 1; step <= steps; step++) {
      const result = await trainer.step(batchesOf(step), step, 0.01 / step);
      results.push({loss: result.loss, gradNorm: result.gradNorm});
    }
    return {results, weights: model.getWeights(), state: optimizer.getState()};
  } finally {
    await trainer.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

function assertSameWeights(t: import('ava').ExecutionContext, a: Map<string, Float32Array>, b: Map<string, Float32Array>): void {
  t.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, values] of a) t.true(bitwiseEqual(values, b.get(name) as Float32Array), `${name} bitwise equal`);
}

test.serial('a step is cut into the same chunks whatever computes it: whole rows, in order, weights summing to one', (t) => {
  const chunks = gradientChunks(batchesOf(1), 3);
  t.deepEqual(
    chunks.map((chunk) => [chunk.index, chunk.batch.batchSize, chunk.weight]),
    [
      [0, 32, 0.25],
      [1, 32, 0.25],
      [2, 32, 0.25],
      [3, 32, 0.25],
    ],
  );
  t.deepEqual(chunks[1]?.batch.contexts, batchesOf(1)[0]?.contexts.subarray(32 * 16));
  t.not(chunks[0]?.dropoutSeed, chunks[1]?.dropoutSeed);
  // Rows of 100 tokens: ⌈512 / 100⌉ = 6 rows per chunk, the last chunk shorter.
  const uneven = gradientChunks([toyBatch(10, 8, 100)], 0);
  t.deepEqual(
    uneven.map((chunk) => chunk.batch.batchSize),
    [6, 2],
  );
  t.throws(() => gradientChunks([], 0), {message: /at least one micro-batch/});
});

test.serial('1, 2 and 3 workers give bitwise the same losses, gradient norms and weights (dropout, accumulation, clipping)', async (t) => {
  await loadTfBackend('wasm');
  const one = await train(1, 4);
  const two = await train(2, 4);
  const three = await train(3, 4);
  t.deepEqual(two.results, one.results);
  t.deepEqual(three.results, one.results);
  assertSameWeights(t, two.weights, one.weights);
  assertSameWeights(t, three.weights, one.weights);
  t.true(one.results.every((r) => Number.isFinite(r.loss) && r.gradNorm > 0));
  // One worker is the plain step on this thread.
  const model = GptModel.create(TINY);
  const optimizer = new AdamWOptimizer({learningRate: 0.01, weightDecay: 0.1});
  const plain = [1, 2, 3, 4].map((step) => trainStep(model, optimizer, batchesOf(step), {lr: 0.01 / step, clipNorm: 0.5}));
  t.deepEqual(
    plain.map((r) => ({loss: r.loss, gradNorm: r.gradNorm})),
    one.results,
  );
});

test.serial('weights and optimizer state saved after 2 steps on one thread continue bitwise on 2 workers', async (t) => {
  await loadTfBackend('wasm');
  const full = await train(1, 4);
  const half = await train(1, 2);
  const resumed = await train(2, 4, {weights: half.weights, state: half.state, first: 3});
  t.deepEqual(resumed.results, full.results.slice(2));
  assertSameWeights(t, resumed.weights, full.weights);
});

test.serial('a worker that throws fails the step with one error naming it, applies nothing, and stops every thread', async (t) => {
  await loadTfBackend('wasm');
  const model = GptModel.create(TINY);
  const optimizer = new AdamWOptimizer({learningRate: 0.01});
  const trainer = new DataParallelTrainer(model, optimizer, {workers: 2, clipNorm: 0, backend: 'wasm'});
  process.env['CODEX_TEST_CRASH_WORKER'] = '2';
  try {
    await trainer.step(batchesOf(1), 1, 0.01);
    const before = model.getWeights();
    const error = await t.throwsAsync(trainer.step(batchesOf(2), 2, 0.01));
    t.true(isCodexError(error));
    t.regex(error?.message ?? '', /^gradient worker 2 of 2 failed at step 2: injected fault at step 2/);
    t.notRegex(error?.message ?? '', /\n/);
    t.is(optimizer.step, 1, 'the failed step applied nothing');
    assertSameWeights(t, model.getWeights(), before);
    await t.throwsAsync(trainer.step(batchesOf(3), 3, 0.01), {message: /gradient worker 2 of 2 failed/});
  } finally {
    delete process.env['CODEX_TEST_CRASH_WORKER'];
    await trainer.dispose();
    optimizer.dispose();
    model.dispose();
  }
});
