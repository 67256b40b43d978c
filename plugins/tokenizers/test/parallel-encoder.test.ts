import test from 'ava';
import {ParallelEncoder} from '../src/index.js';
import {corpusSentences, smallBpe} from './helpers/bpe-fixture.js';

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
