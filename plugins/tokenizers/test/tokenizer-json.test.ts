import {isCodexError} from '@codex-ml/core';
import test from 'ava';
import {BpeTokenizerFactory, loadTokenizerJson} from '../src/index.js';
import {asAsync, smallBpe} from './helpers/bpe-fixture.js';

async function document(): Promise<Record<string, unknown>> {
  return JSON.parse((await smallBpe()).toJSON()) as Record<string, unknown>;
}

function refused(t: import('ava').ExecutionContext, text: string, pattern: RegExp): void {
  const error = t.throws(() => loadTokenizerJson(text, 'bad.json'));
  t.true(isCodexError(error));
  t.is((error as {code?: string}).code, 'E_TOKENIZER');
  t.regex(error?.message ?? '', pattern);
  t.false((error?.message ?? '').includes('\n'));
}

test('an unknown version is refused', async (t) => {
  refused(t, JSON.stringify({...(await document()), version: '2.0'}), /bad\.json: \$\.version: expected version "1\.0", got "2\.0"/);
});

test('__proto__ keys are refused anywhere', async (t) => {
  const text = (await smallBpe()).toJSON().replace('"vocab": {', '"vocab": {\n      "__proto__": {"polluted": 1},');
  refused(t, text, /forbidden key "__proto__"/);
  refused(t, '{"__proto__": 1, "version": "1.0"}', /forbidden key "__proto__"/);
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('wrong types name the key path', async (t) => {
  const doc = await document();
  const model = doc.model as Record<string, unknown>;
  refused(t, JSON.stringify({...doc, model: {...model, vocab: {a: 'zero'}}}), /\$\.model\.vocab\["a"\]: expected an integer/);
  refused(t, JSON.stringify({...doc, model: {...model, merges: [[1, 2]]}}), /\$\.model\.merges\[0\]\[0\]: expected a string/);
  refused(t, JSON.stringify({...doc, added_tokens: [{id: -1, content: 'x'}]}), /\$\.added_tokens\[0\]\.id/);
  refused(
    t,
    JSON.stringify({...doc, model: {...model, type: 'Mystery'}}),
    /unsupported model "Mystery"; supported: BPE, Unigram, WordLevel, WordPiece|unsupported model "Mystery"/,
  );
  refused(t, JSON.stringify({...doc, model: {...model, merges: [['Ġ', 'zzz-not-a-token']]}}), /not in the vocabulary/);
  refused(t, 'not json', /not valid JSON/);
  refused(t, '[]', /expected a tokenizer\.json object/);
});

test('decoding an id outside the vocabulary names the id', async (t) => {
  const tokenizer = await smallBpe();
  const error = t.throws(() => tokenizer.decode([5, tokenizer.vocabSize + 10]));
  t.true(isCodexError(error));
  t.regex(error?.message ?? '', new RegExp(`cannot decode id ${tokenizer.vocabSize + 10}`));
  t.throws(() => tokenizer.decode([-1]), {message: /cannot decode id -1/});
});

test('training refuses an empty corpus and a vocab smaller than alphabet plus specials', async (t) => {
  const factory = new BpeTokenizerFactory();
  const options = {vocabSize: 1000, minFrequency: 0, specialTokens: ['[PAD]', '[BOS]', '[EOS]'], pipeline: {}};
  await t.throwsAsync(factory.train(asAsync([]), options), {message: /training corpus is empty/});
  await t.throwsAsync(factory.train(asAsync(['', '']), options), {message: /training corpus is empty/});
  await t.throwsAsync(factory.train(asAsync(['some text']), {...options, vocabSize: 200}), {
    message: /vocab size 200 is smaller than the alphabet \(256\) plus special tokens \(3\)/,
  });
});

test('a WordPiece file given to the BPE backend is refused by model type', async (t) => {
  const doc = await document();
  const json = JSON.stringify({
    ...doc,
    model: {type: 'WordPiece', vocab: {'[UNK]': 0}, unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100},
  });
  t.throws(() => new BpeTokenizerFactory().load(json), {message: /unsupported model "WordPiece"|is not BPE/});
});
