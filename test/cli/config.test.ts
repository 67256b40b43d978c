import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {runCli, tempDir} from '../helpers/run-cli.js';

interface ShowJson {
  readonly entries: ReadonlyArray<{key: string; value: unknown; source: string; declaredBy: string}>;
}

test('config:show lists keys plugins contribute with their source and the plugin that declared them', async (t) => {
  const result = await runCli(['config:show', '--json', '--set', 'training.tfjs.layers=3'], {
    env: {CODEX_TRAINING_OPTIMIZER_ADAMW_BETA2: '0.95'},
  });
  t.is(result.code, 0, result.stderr);
  const byKey = new Map((JSON.parse(result.stdout) as ShowJson).entries.map((entry) => [entry.key, entry]));
  t.like(byKey.get('training.tfjs.layers'), {value: 3, source: '--set', declaredBy: '@codex-ml/plugin-tfjs'});
  t.like(byKey.get('training.optimizer.adamw.beta2'), {
    value: 0.95,
    source: 'env CODEX_TRAINING_OPTIMIZER_ADAMW_BETA2',
    declaredBy: '@codex-ml/plugin-tfjs',
  });
  t.like(byKey.get('manifest.sqlite.path'), {value: '', source: 'default', declaredBy: '@codex-ml/plugin-sqlite-store'});
  t.like(byKey.get('tokenizer.wordpiece.unkToken'), {value: '[UNK]', declaredBy: '@codex-ml/plugin-tokenizers'});
  t.like(byKey.get('training.steps'), {declaredBy: 'core'});
  const text = await runCli(['config:show', '--set', 'training.tfjs.backend=cpu']);
  t.regex(text.stdout, /^training\.tfjs\.backend\s+"cpu"\s+# --set \[@codex-ml\/plugin-tfjs\]$/m);
});

test('a contributed key is validated before any work: typo, wrong type and an old key each give one line, exit 3', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const cases: Array<[string, RegExp]> = [
    ['training:\n  tfjs:\n    layrs: 3\n', /: unknown config key "training\.tfjs\.layrs" \(did you mean "training\.tfjs\.layers"\?\)/],
    [
      'training:\n  tfjs:\n    backend: gpu\n',
      /: training\.tfjs\.backend: must be one of wasm, cpu, tensorflow, tensorflow-gpu, got "gpu"/,
    ],
    [
      'training:\n  backend: cpu\n',
      /: config key "training\.backend" moved to "training\.tfjs\.backend" \(declared by @codex-ml\/plugin-tfjs\)/,
    ],
    ['manifest:\n  sqlite:\n    path: 7\n', /: manifest\.sqlite\.path: must be a string, got 7/],
  ];
  for (const [index, [yaml, expected]] of cases.entries()) {
    const file = join(dir.path, `case-${index}.yaml`);
    await writeFile(file, yaml);
    // A command that would do work (hashing the working directory) stops at the config.
    const result = await runCli(['hash', '.', '--config', file], {cwd: dir.path});
    t.is(result.code, 3, yaml);
    t.regex(result.stderr, new RegExp(`^Error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${expected.source}`), yaml);
    t.is(result.stderr.trim().split('\n').length, 1, result.stderr);
    t.is(result.stdout, '');
  }
  const moved = await runCli(['config:show', '--set', 'training.optimizer.beta1=0.8']);
  t.is(moved.code, 3);
  t.regex(
    moved.stderr,
    /^Error: --set: config key "training\.optimizer\.beta1" moved to "training\.optimizer\.adam\.beta1", "training\.optimizer\.adamw\.beta1"/,
  );
});
