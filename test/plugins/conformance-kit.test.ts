import {
  type ConformanceContext,
  type ConformanceTest,
  HASHER_INVARIANTS,
  type InvariantResult,
  OPTIMIZER_INVARIANTS,
  SPLITTER_INVARIANTS,
  TOKENIZER_INVARIANTS,
  TRAINING_ENGINE_INVARIANTS,
  checkHasher,
  checkOptimizer,
  checkSplitter,
  checkTokenizer,
  checkTrainingEngine,
  float32ArrayAdapter,
  hasherConformance,
} from '@codex-ml/core/testing';
import test from 'ava';
import {FakeBufferingHasher, FakeCopyingHasher, FakePerChunkHasher, FakeSha256Hasher} from './fakes/fake-hashers.js';
import {FakeCharTokenizer} from './fakes/fake-char-tokenizer.js';
import {FakeMomentumSgd} from './fakes/fake-optimizers.js';
import {type EngineFlaws, FakeUnigramEngine} from './fakes/fake-training-engine.js';
import {FakeHashRankSplitter} from './fakes/fake-splitters.js';

const SHA256_VECTORS = [
  {input: '', hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'},
  {input: 'abc', hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'},
];

function failed(results: readonly InvariantResult[]): string[] {
  return results.filter((result) => !result.ok).map((result) => result.invariant);
}

function messageOf(results: readonly InvariantResult[], invariant: string): string {
  return results.find((result) => result.invariant === invariant)?.message ?? '';
}

// Serial (ava runs serial tests first, one at a time): the large-input checks measure the resident set.
test.serial('a correct hasher keeps every invariant', async (t) => {
  const results = await checkHasher({name: 'hasher fake-sha256', create: () => new FakeSha256Hasher(), vectors: SHA256_VECTORS});
  t.deepEqual(failed(results), []);
  t.is(results.length, Object.keys(HASHER_INVARIANTS).length);
});

test('a hasher whose streaming digest differs from its one-shot digest is caught, naming the invariant', async (t) => {
  const results = await checkHasher({
    name: 'hasher per-chunk',
    create: () => new FakePerChunkHasher(),
    vectors: SHA256_VECTORS,
    largeInput: false,
  });
  t.deepEqual(failed(results), [HASHER_INVARIANTS.streaming]);
  t.regex(
    messageOf(results, HASHER_INVARIANTS.streaming),
    /^hasher per-chunk violates the conformance invariant "streaming equals one-shot": \d+ bytes fed in/,
  );
});

test.serial('a hasher that buffers its input is caught by the constant-memory invariant', async (t) => {
  const results = await checkHasher({name: 'hasher buffering', create: () => new FakeBufferingHasher(), vectors: SHA256_VECTORS});
  t.deepEqual(failed(results), [HASHER_INVARIANTS.largeInput]);
  t.regex(messageOf(results, HASHER_INVARIANTS.largeInput), /grew the resident set by \d+\.\d MiB .*buffers its input/);
});

test.serial('a hasher that allocates a temporary per chunk is not mistaken for one that buffers', async (t) => {
  const results = await checkHasher({name: 'hasher copying', create: () => new FakeCopyingHasher(), vectors: SHA256_VECTORS});
  t.deepEqual(failed(results), []);
});

test('wrong known vectors and a missing vector list are reported', async (t) => {
  const wrong = await checkHasher({
    name: 'hasher x',
    create: () => new FakeSha256Hasher(),
    vectors: [{input: 'abc', hex: '00'}],
    largeInput: false,
  });
  t.regex(messageOf(wrong, HASHER_INVARIANTS.vectors), /digest of "abc" is ba7816bf.*, expected 00$/);
  const none = await checkHasher({name: 'hasher x', create: () => new FakeSha256Hasher(), vectors: [], largeInput: false});
  t.regex(messageOf(none, HASHER_INVARIANTS.vectors), /no known vectors supplied/);
});

test('suites register one test per invariant and fail it with the invariant in the message', async (t) => {
  const outcomes: string[] = [];
  const pending: Promise<void>[] = [];
  const recorder: ConformanceTest = (title, implementation) => {
    const context: ConformanceContext = {
      pass: () => outcomes.push(`pass ${title}`),
      fail: (message) => outcomes.push(`fail ${title}: ${message}`),
      log: () => {},
    };
    pending.push(implementation(context));
  };
  hasherConformance(recorder, {
    name: 'hasher per-chunk',
    create: () => new FakePerChunkHasher(),
    vectors: SHA256_VECTORS,
    largeInput: false,
  });
  await Promise.all(pending);
  t.is(outcomes.length, Object.keys(HASHER_INVARIANTS).length - 1);
  t.true(outcomes.includes('pass hasher per-chunk › known vectors'));
  t.true(
    outcomes.some((line) =>
      line.startsWith(
        'fail hasher per-chunk › streaming equals one-shot: hasher per-chunk violates the conformance invariant "streaming equals one-shot"',
      ),
    ),
  );
});

test('a correct splitter keeps every invariant; an order-dependent one is caught', async (t) => {
  t.deepEqual(failed(await checkSplitter({name: 'splitter fake-rank', create: () => new FakeHashRankSplitter()})), []);
  const broken = await checkSplitter({name: 'splitter unsorted', create: () => new FakeHashRankSplitter(false)});
  t.true(failed(broken).includes(SPLITTER_INVARIANTS.orderIndependent));
  t.regex(messageOf(broken, SPLITTER_INVARIANTS.orderIndependent), /shuffling the items moved "doc-\d+\.txt" to another split/);
});

test('a correct tokenizer keeps every invariant; a wrong attention mask on pads is caught', async (t) => {
  const good = await checkTokenizer({
    name: 'tokenizer char',
    create: () => new FakeCharTokenizer(),
    load: (json) => FakeCharTokenizer.load(json),
  });
  t.deepEqual(failed(good), []);
  const broken = await checkTokenizer({
    name: 'tokenizer char',
    create: () => new FakeCharTokenizer(true),
    load: (json) => FakeCharTokenizer.load(json, true),
  });
  t.deepEqual(failed(broken), [TOKENIZER_INVARIANTS.padding]);
  t.regex(messageOf(broken, TOKENIZER_INVARIANTS.padding), /attentionMask\[\d+\] is 1, expected 0/);
});

test('a correct optimizer keeps every invariant; one whose state shares live buffers is caught', async (t) => {
  const good = await checkOptimizer({name: 'optimizer momentum', factory: () => FakeMomentumSgd.factory(), adapter: float32ArrayAdapter});
  t.deepEqual(failed(good), []);
  const broken = await checkOptimizer({
    name: 'optimizer leaky',
    factory: () => FakeMomentumSgd.factory(true),
    adapter: float32ArrayAdapter,
  });
  t.deepEqual(failed(broken), [OPTIMIZER_INVARIANTS.copies]);
});

/** The engine suite over a fake unigram engine with the given flaws, trained by the fake engine's optimizer. */
async function checkFakeEngine(flaws: EngineFlaws = {}): Promise<InvariantResult[]> {
  return await checkTrainingEngine({
    name: 'training-engine fake',
    engine: () => new FakeUnigramEngine(flaws),
    optimizer: () => FakeMomentumSgd.factory(),
    optimizerOptions: {learningRate: 0.1},
  });
}

test('a correct training engine keeps every invariant', async (t) => {
  const results = await checkFakeEngine();
  t.deepEqual(failed(results), []);
  t.is(results.length, Object.keys(TRAINING_ENGINE_INVARIANTS).length);
});

test('each way of breaking the training-engine contract is caught by the invariant it breaks, named', async (t) => {
  const I = TRAINING_ENGINE_INVARIANTS;
  const summed = await checkFakeEngine({sumsMicroBatches: true});
  t.deepEqual(failed(summed), [I.accumulation]);
  t.regex(
    messageOf(summed, I.accumulation),
    /^training-engine fake violates the conformance invariant "micro-batches are averaged": a step over \[a, a\] reports loss/,
  );
  t.deepEqual(failed(await checkFakeEngine({leaksWeights: true})), [I.weights]);
  const unseeded = await checkFakeEngine({unseeded: true});
  t.true(failed(unseeded).includes(I.seeded));
  t.regex(messageOf(unseeded, I.seeded), /two models of seed 7 trained on the same batches lost/);
  const foreign = await checkFakeEngine({acceptsForeignOptimizers: true});
  t.deepEqual(failed(foreign), [I.foreignOptimizer]);
  t.regex(
    messageOf(foreign, I.foreignOptimizer),
    /threw "created an optimizer that serves another engine", which does not name it \("alien-sgd"\)/,
  );
  const mutating = await checkFakeEngine({evaluateMutates: true});
  t.true(failed(mutating).includes(I.evaluation));
  t.regex(messageOf(mutating, I.evaluation), /evaluating the same batch twice gave|evaluate changed weight "bias"/);
});
