import test from 'ava';
import {createRequire} from 'node:module';
import {encoding_for_model, get_encoding} from 'tiktoken';
import type * as HfNative from 'tokenizers';
import {BpeTokenizerFactory, TIKTOKEN_ENCODINGS, loadTiktokenEncoding} from '../src/index.js';
import {MULTILINGUAL} from './helpers/multilingual.js';
import {corpusSentences} from './helpers/bpe-fixture.js';

for (const name of TIKTOKEN_ENCODINGS) {
  test(`${name} ranks encode exactly as tiktoken`, async (t) => {
    const ours = await loadTiktokenEncoding(name);
    const reference = get_encoding(name);
    try {
      const texts = [
        ...corpusSentences().heldOut.slice(0, 500),
        "I'm   don't  123456789 \r\n\r\n  ab\t\tc",
        'emoji 👨‍👩‍👧‍👦 and 東京 and e\u0301 and مرحبا',
        '   leading and trailing   ',
        '',
        // Long pieces take the heap merge path.
        'a'.repeat(1000),
        '='.repeat(1000),
        '1234567890'.repeat(120),
        corpusSentences()
          .heldOut.slice(0, 8)
          .join('')
          .replace(/[^A-Za-z]/g, ''),
        `x${'ab'.repeat(300)}é${'東'.repeat(200)}`,
        ...MULTILINGUAL,
      ];
      for (const text of texts) {
        const expected = Array.from(reference.encode(text, 'all'));
        t.deepEqual(ours.encodeIds(text), expected, text);
        t.deepEqual([...ours.encode(text).ids], expected, text);
        t.is(ours.decode(expected, {skipSpecialTokens: false}), text);
      }
      const joined = texts.join('\n');
      t.deepEqual(ours.encodeIds(joined), Array.from(reference.encode(joined, 'all')));
      t.is(ours.tokenToId('<|endoftext|>'), reference.encode('<|endoftext|>', 'all')[0]);
      if (name === 'o200k_base' || name === 'p50k_edit') {
        // The exported tokenizer.json (one merge per token, ignore_merges) encodes the same in Hugging Face tokenizers.
        const hf = (createRequire(import.meta.url)('tokenizers') as typeof HfNative).Tokenizer.fromString(ours.toJSON());
        for (const text of texts)
          t.deepEqual((await hf.encode(text)).getIds(), Array.from(reference.encode(text, 'all')), `exported: ${text}`);
      }
    } finally {
      reference.free();
    }
  });
}

test('an unknown tiktoken encoding is refused by name', async (t) => {
  const error = await t.throwsAsync(loadTiktokenEncoding('p99k'));
  t.regex(error?.message ?? '', /unknown tiktoken encoding "p99k"/);
});

test('--model names map to encodings as tiktoken encoding_for_model does', async (t) => {
  const factory = new BpeTokenizerFactory();
  for (const model of [
    'gpt-4o',
    'gpt-4o-mini',
    'o1',
    'gpt-4',
    'gpt-4-0613',
    'gpt-3.5-turbo',
    'text-embedding-3-small',
    'text-davinci-003',
    'text-davinci-edit-001',
    'davinci',
    'gpt2',
  ]) {
    const reference = encoding_for_model(model as Parameters<typeof encoding_for_model>[0]);
    t.is(await factory.pretrainedForModel(model), reference.name, model);
    reference.free();
  }
  t.is(await factory.pretrainedForModel('not-a-model'), undefined);
});
