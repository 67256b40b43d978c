import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {brownCorpus} from './cli_corpus.js';

interface ValidateJson {
  ok: boolean;
  failures: string[];
  modelType: string;
  unknownRate: number;
  tokensPerWord: number;
  bytesPerToken: number;
  roundTrip: {mode: string; checked: number; failed: number};
  specialTokens: Array<{token: string; id: number | null; expectedId: number; ok: boolean}>;
}

test('validate reports a WordPiece tokenizer, and fails on the unknown-token bound and on misplaced special tokens', async (t) => {
  const dir = await tempDir('codex-tok-validate-');
  t.teardown(dir.cleanup);
  await brownCorpus(join(dir.path, 'train'), 3);
  const trained = await runCli(['tokenizer:train', '--input', 'train', '--model', 'wordpiece', '--vocab-size', '500', '--out', 'wp'], {
    cwd: dir.path,
  });
  t.is(trained.code, 0, trained.stderr);
  await brownCorpus(join(dir.path, 'heldout'), 1, 3);
  const tokenizer = join('wp', 'tokenizer.json');

  const passed = await runCli(['tokenizer:validate', '-t', tokenizer, '--input', 'heldout', '--json'], {cwd: dir.path});
  t.is(passed.code, 0, passed.stderr);
  const report = JSON.parse(passed.stdout) as ValidateJson;
  t.true(report.ok);
  t.is(report.modelType, 'WordPiece');
  t.is(report.roundTrip.mode, 'ignoring-whitespace');
  t.true(report.roundTrip.checked > 0);
  t.true(report.tokensPerWord >= 1);
  t.true(report.bytesPerToken > 1);
  t.deepEqual(
    report.specialTokens.map((check) => check.token),
    ['[PAD]', '[BOS]', '[EOS]', '[UNK]'],
  );

  // Characters the training text never had are unknown to WordPiece.
  await writeFile(join(dir.path, 'foreign.txt'), '日本語のテキスト\nعربى مرحبا\n');
  const unknown = await runCli(['tokenizer:validate', '-t', tokenizer, '--input', 'foreign.txt', '--max-unknown-rate', '0.05'], {
    cwd: dir.path,
  });
  t.is(unknown.code, 5);
  t.regex(unknown.stdout, /result\s+FAILED/);
  t.true(isOneLineError(unknown.stderr), unknown.stderr);
  t.regex(unknown.stderr, /unknown-token rate \d+\.\d+% exceeds tokenizer\.validate\.maxUnknownRate 5\.00%/);

  const misplaced = await runCli(
    ['tokenizer:validate', '-t', tokenizer, '--input', 'heldout', '--set', 'tokenizer.specialTokens=["[UNK]","[PAD]"]', '--json'],
    {cwd: dir.path},
  );
  t.is(misplaced.code, 5);
  const failed = JSON.parse(misplaced.stdout) as ValidateJson;
  t.false(failed.ok);
  t.deepEqual(failed.failures, ['special token [UNK] has id 3, expected 0', 'special token [PAD] has id 0, expected 1']);
});
