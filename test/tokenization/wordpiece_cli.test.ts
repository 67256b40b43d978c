import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import test from 'ava';
import type * as HfNative from 'tokenizers';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {type TrainJson, brownCorpus, parseJson} from './cli_corpus.js';

const require = createRequire(import.meta.url);
const hf = require('tokenizers') as typeof HfNative;

interface EncodedLine {
  ids: number[];
  tokens: string[];
}

const LINES = ['The jury praised the administration of the Atlanta police.', 'Naïve CAFÉ owners, 🙂 protested.', 'unbelievably'];

test('tokenizer:train --model wordpiece writes a BERT-style tokenizer.json that encodes and decodes through the CLI and loads in tokenizers', async (t) => {
  const dir = await tempDir('codex-wordpiece-cli-');
  try {
    const corpus = join(dir.path, 'corpus');
    await brownCorpus(corpus, 4);
    const trained = await runCli(
      ['tokenizer:train', '--input', corpus, '--model', 'wordpiece', '--vocab-size', '600', '--out', 'wp', '--json'],
      {
        cwd: dir.path,
      },
    );
    t.is(trained.code, 0, trained.stderr);
    const result = parseJson<TrainJson>(trained.stdout);
    t.is(result.modelType, 'WordPiece');
    t.is(result.vocabSize, 600);
    const file = result.out as string;
    const document = JSON.parse(await readFile(file, 'utf8')) as {
      added_tokens: Array<{id: number; content: string; special: boolean}>;
      normalizer: {type: string};
      pre_tokenizer: {type: string};
      post_processor: {type: string};
      decoder: {type: string};
      model: {type: string; unk_token: string; continuing_subword_prefix: string};
    };
    t.deepEqual(
      document.added_tokens.map((token) => [token.id, token.content, token.special]),
      [
        [0, '[PAD]', true],
        [1, '[BOS]', true],
        [2, '[EOS]', true],
        [3, '[UNK]', true],
      ],
    );
    t.deepEqual(
      [document.normalizer.type, document.pre_tokenizer.type, document.post_processor.type, document.decoder.type, document.model.type],
      ['BertNormalizer', 'BertPreTokenizer', 'TemplateProcessing', 'WordPiece', 'WordPiece'],
    );

    const encoded = await runCli(['tokenizer:encode', '--tokenizer', file, '--json'], {cwd: dir.path, input: `${LINES.join('\n')}\n`});
    t.is(encoded.code, 0, encoded.stderr);
    const lines = encoded.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as EncodedLine);
    for (const line of lines) {
      t.is(line.ids[0], 1, '[BOS] = 1 opens every line');
      t.is(line.ids.at(-1), 2, '[EOS] = 2 closes every line');
    }
    t.true(lines[1]?.tokens.includes('[UNK]'), 'the emoji is unknown');
    t.true(lines[1]?.ids.includes(3), '[UNK] = 3');
    t.true(
      lines[2]?.tokens.some((token) => token.startsWith('##')),
      'a rare word is spelled with ## pieces',
    );

    const native = hf.Tokenizer.fromFile(file);
    for (const [i, text] of LINES.entries()) t.deepEqual((await native.encode(text)).getIds(), lines[i]?.ids, text);

    const decoded = await runCli(['tokenizer:decode', '--tokenizer', file, '--json'], {cwd: dir.path, input: encoded.stdout});
    t.is(decoded.code, 0, decoded.stderr);
    t.deepEqual(
      decoded.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as {text: string}).text),
      ['the jury praised the administration of the atlanta police.', 'naive cafe owners, protested.', 'unbelievably'],
    );

    const tooSmall = await runCli(['tokenizer:train', '--input', corpus, '--model', 'wordpiece', '--vocab-size', '20', '--out', 'small'], {
      cwd: dir.path,
    });
    t.is(tooSmall.code, 2, tooSmall.stderr);
    t.true(isOneLineError(tooSmall.stderr), tooSmall.stderr);
    t.regex(tooSmall.stderr, /vocab size 20 is smaller than the initial WordPiece vocabulary of \d+ tokens/);
  } finally {
    await dir.cleanup();
  }
});
