import test from 'ava';
import {ParallelEncoder, WordPieceTokenizerFactory} from '../src/index.js';
import {asAsync, corpusSentences, smallBpe} from './helpers/bpe-fixture.js';

test('ParallelEncoder gives the ids of encodeIds, in input order, over two workers', async (t) => {
  const tokenizer = await smallBpe();
  const texts = corpusSentences().heldOut.slice(0, 300);
  const encoder = await ParallelEncoder.create(tokenizer.toJSON(), 2);
  try {
    t.is(encoder.threads, 2);
    const ids = await encoder.encodeIds(texts);
    t.is(ids.length, texts.length);
    texts.forEach((text, i) => {
      t.deepEqual(Array.from(ids[i] as Int32Array), tokenizer.encodeIds(text));
    });
    t.deepEqual(
      (await encoder.encodeIds(['x y'], false)).map((row) => Array.from(row)),
      [tokenizer.encodeIds('x y', false)],
    );
  } finally {
    await encoder.close();
  }
});

test('ParallelEncoder loads other models through the codecs module it is given, and refuses files it cannot load', async (t) => {
  const wordpiece = await new WordPieceTokenizerFactory().train(asAsync(corpusSentences().train.slice(0, 2_000)), {
    vocabSize: 800,
    minFrequency: 2,
    specialTokens: ['[PAD]', '[BOS]', '[EOS]', '[UNK]'],
    pipeline: {},
  });
  const json = wordpiece.toJSON();
  const texts = corpusSentences().heldOut.slice(0, 50);
  const codecs = {module: new URL('../src/wordpiece/wordpiece-codecs.js', import.meta.url).href, export: 'WORDPIECE_CODECS'};
  const encoder = await ParallelEncoder.create(json, 2, codecs);
  try {
    const ids = await encoder.encodeIds(texts);
    texts.forEach((text, i) => {
      t.deepEqual(Array.from(ids[i] as Int32Array), [...wordpiece.encode(text).ids]);
    });
  } finally {
    await encoder.close();
  }
  const mystery = JSON.stringify({...JSON.parse(json), model: {type: 'Mystery'}});
  await t.throwsAsync(ParallelEncoder.create(mystery, 1), {message: /could not load the tokenizer: .*unsupported model "Mystery"/});
});
