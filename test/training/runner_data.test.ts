import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import type {Encoding, Tokenizer} from '@codex-ml/core';
import {BatchSampler, evaluationBatches} from '../../src/services/training/batch-sampler.js';
import {SeededRandom} from '@codex-ml/core';
import {type CacheDocument, TokenCache} from '../../src/services/training/token-cache.js';
import {sha256, toyTokens, withTempDir} from './runner_fixtures.js';

test('the seeded RNG is reproducible, stream-separated and restorable from its state', (t) => {
  const a = new SeededRandom(5, 'sampler');
  const b = new SeededRandom(5, 'sampler');
  const other = new SeededRandom(5, 'dropout');
  const first = Array.from({length: 8}, () => a.nextUint32());
  t.deepEqual(
    Array.from({length: 8}, () => b.nextUint32()),
    first,
  );
  t.notDeepEqual(
    Array.from({length: 8}, () => other.nextUint32()),
    first,
  );
  const restored = SeededRandom.fromState(a.state);
  t.deepEqual(
    Array.from({length: 4}, () => restored.nextInt(1000)),
    Array.from({length: 4}, () => a.nextInt(1000)),
  );
});

test('the sampler yields next-token targets and resumes from a saved state with the same batches', (t) => {
  const tokens = toyTokens(1000);
  const options = {batchSize: 3, contextLength: 8, seed: 9};
  const sampler = new BatchSampler(tokens, options);
  const batch = sampler.next();
  for (let row = 0; row < batch.batchSize; row++) {
    for (let index = 0; index < 7; index++) t.is(batch.targets[row * 8 + index], batch.contexts[row * 8 + index + 1]);
  }
  // Run well past one pass (124 windows) so the saved state sits in a later epoch.
  for (let index = 0; index < 50; index++) sampler.next();
  const state = JSON.parse(JSON.stringify(sampler.state));
  t.true(state.epoch >= 2);
  const expected = Array.from({length: 60}, () => [...sampler.next().contexts]);
  const resumed = new BatchSampler(tokens, options);
  resumed.restore(state);
  t.deepEqual(
    Array.from({length: 60}, () => [...resumed.next().contexts]),
    expected,
  );
  const otherSeed = new BatchSampler(tokens, {...options, seed: 10});
  t.notDeepEqual([...otherSeed.next().contexts], [...new BatchSampler(tokens, options).next().contexts]);
});

test('evaluation batches are fixed consecutive windows', (t) => {
  const tokens = toyTokens(100);
  const batches = evaluationBatches(tokens, {batchSize: 4, contextLength: 10, maxBatches: 2});
  t.deepEqual(
    batches.map((batch) => batch.batchSize),
    [4, 4],
  );
  t.deepEqual([...(batches[1]?.contexts.slice(0, 10) ?? [])], [...tokens.slice(40, 50)]);
});

/** Test double: one id per character code, so the expected tokens are obvious. */
class FakeCharTokenizer implements Tokenizer {
  readonly modelType = 'Fake';
  readonly specialTokens = {eos: '[EOS]'};
  constructor(readonly vocabSize: number) {}
  normalize(text: string): string {
    return text;
  }
  encode(text: string): Encoding {
    const ids = [...text].map((char) => (char.codePointAt(0) as number) % (this.vocabSize - 1));
    return {ids, tokens: [...text], offsets: [], attentionMask: [], specialTokensMask: [], overflowing: []};
  }
  encodeBatch(texts: readonly string[]): Encoding[] {
    return texts.map((text) => this.encode(text));
  }
  decode(): string {
    return '';
  }
  tokenToId(token: string): number | undefined {
    return token === '[EOS]' ? this.vocabSize - 1 : undefined;
  }
  idToToken(): string | undefined {
    return undefined;
  }
  toJSON(): string {
    return '{}';
  }
}

const TEXTS: Record<'train' | 'val', Record<string, string>> = {train: {'a.txt': 'abc', 'b.txt': 'de'}, val: {'c.txt': 'xyz'}};

function splits(): Record<'train' | 'val', CacheDocument[]> {
  return {
    train: [
      {id: 'b.txt', checksum: 'sha256:02'},
      {id: 'a.txt', checksum: 'sha256:01'},
    ],
    val: [{id: 'c.txt', checksum: 'sha256:03'}],
  };
}

/** Texts in id order, as the data reader yields them. */
async function* texts(split: 'train' | 'val'): AsyncGenerator<{id: string; text: string}> {
  for (const id of Object.keys(TEXTS[split]).sort()) yield {id, text: TEXTS[split][id] as string};
}

test('the token cache tokenizes documents in id order with EOS between them, then reuses the entry', async (t) => {
  await withTempDir(async (dir) => {
    const cache = new TokenCache(join(dir, 'cache'), await sha256());
    const inputs = {
      tokenizer: new FakeCharTokenizer(300),
      tokenizerChecksum: 'sha256:aa' as const,
      tokenizerRunId: null,
      dataRunId: '01JDATARUN0000000000000000',
      datasetIds: ['sha256:d1'],
      splits: splits(),
      texts,
    };
    const built = await cache.load(inputs);
    t.false(built.hit);
    t.true(built.train instanceof Uint16Array);
    t.deepEqual([...built.train], [97, 98, 99, 299, 100, 101, 299]);
    t.deepEqual([...built.val], [120, 121, 122, 299]);
    t.is(built.manifest.kind, 'token-cache');
    t.is(built.manifest.splits.train.tokens, 7);
    t.is(built.manifest.tokenizer.checksum, 'sha256:aa');
    t.is(built.manifest.data.runId, '01JDATARUN0000000000000000');
    t.deepEqual(built.manifest.parents, ['01JDATARUN0000000000000000']);

    const again = await cache.load(inputs);
    t.true(again.hit);
    t.deepEqual([...again.train], [...built.train]);

    const wide = await cache.load({...inputs, tokenizer: new FakeCharTokenizer(70_000), tokenizerChecksum: 'sha256:bb'});
    t.false(wide.hit);
    t.true(wide.train instanceof Uint32Array);
    t.not(wide.directory, built.directory);

    const changed = await cache.load({...inputs, splits: {...splits(), val: [{id: 'c.txt', checksum: 'sha256:04'}]}});
    t.false(changed.hit, 'a changed document checksum builds a new entry');
  });
});

test('a damaged token cache entry is rebuilt with a warning, never used', async (t) => {
  await withTempDir(async (dir) => {
    const cache = new TokenCache(join(dir, 'cache'), await sha256());
    const inputs = {
      tokenizer: new FakeCharTokenizer(300),
      tokenizerChecksum: 'sha256:aa' as const,
      tokenizerRunId: null,
      dataRunId: null,
      datasetIds: [],
      splits: splits(),
      texts,
    };
    const built = await cache.load(inputs);
    const file = join(built.directory, 'train.bin');
    const bytes = await readFile(file);
    bytes[0] = 1;
    await writeFile(file, bytes);
    const warnings: string[] = [];
    const rebuilt = await cache.load(inputs, (message) => warnings.push(message));
    t.false(rebuilt.hit);
    t.deepEqual([...rebuilt.train], [...built.train]);
    t.is(warnings.length, 1);
    t.regex(warnings[0] ?? '', /damaged .*train\.bin does not match its checksum.*rebuilding/);
  });
});

test('two builders of the same entry do not collide: the second waits and reuses the first one’s work', async (t) => {
  await withTempDir(async (dir) => {
    const cache = new TokenCache(join(dir, 'cache'), await sha256());
    const inputs = {
      tokenizer: new FakeCharTokenizer(300),
      tokenizerChecksum: 'sha256:aa' as const,
      tokenizerRunId: null,
      dataRunId: null,
      datasetIds: [],
      splits: splits(),
      texts,
    };
    const [first, second] = await Promise.all([cache.load(inputs), cache.load(inputs)]);
    t.deepEqual([first?.hit, second?.hit].sort(), [false, true]);
    t.deepEqual([...(second?.train ?? [])], [...(first?.train ?? [])]);
  });
});
