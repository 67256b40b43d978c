import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type CodexError, envVariableFor, resolveConfig} from '@codex-ml/core';
import test from 'ava';
import {tempDir} from '../helpers/run-cli.js';

async function yamlFile(content: string): Promise<{path: string; cleanup: () => Promise<void>}> {
  const dir = await tempDir();
  const path = join(dir.path, 'config.yaml');
  await writeFile(path, content);
  return {path, cleanup: dir.cleanup};
}

test('defaults apply when nothing else is given, and say so', (t) => {
  const config = resolveConfig({env: {}});
  t.is(config.get('hasher'), 'blake3');
  t.is(config.sourceOf('hasher'), 'default');
});

test('precedence is default < file < env < --set, with the source of each value', async (t) => {
  const file = await yamlFile('hasher: sha256\ndata:\n  seed: 7\n');
  t.teardown(file.cleanup);
  const fromFile = resolveConfig({file: file.path, env: {}});
  t.is(fromFile.get('hasher'), 'sha256');
  t.is(fromFile.get('data.seed'), 7);
  t.is(fromFile.sourceOf('data.seed'), file.path);

  const fromEnv = resolveConfig({file: file.path, env: {CODEX_HASHER: 'xxh3', CODEX_DATA_SEED: '9'}});
  t.is(fromEnv.get('hasher'), 'xxh3');
  t.is(fromEnv.get('data.seed'), 9);
  t.is(fromEnv.sourceOf('hasher'), 'env CODEX_HASHER');

  const fromSet = resolveConfig({file: file.path, env: {CODEX_HASHER: 'xxh3'}, sets: ['hasher=blake3', 'data.seed=11']});
  t.is(fromSet.get('hasher'), 'blake3');
  t.is(fromSet.get('data.seed'), 11);
  t.is(fromSet.sourceOf('hasher'), '--set');
});

test('env variable names follow the key path', (t) => {
  t.is(envVariableFor('training.optimizer.name'), 'CODEX_TRAINING_OPTIMIZER_NAME');
  t.is(envVariableFor('tokenizer.vocabSize'), 'CODEX_TOKENIZER_VOCAB_SIZE');
});

test('an unknown key in a file is refused with the file, the key and a suggestion', async (t) => {
  const file = await yamlFile('data:\n  spliter: seeded\n');
  t.teardown(file.cleanup);
  const error = t.throws<CodexError>(() => resolveConfig({file: file.path, env: {}}));
  t.is(error?.code, 'E_CONFIG');
  t.true(error?.message.includes(file.path));
  t.regex(error?.message ?? '', /unknown config key "data\.spliter" \(did you mean "data\.splitter"\?\)/);
});

test('a value of the wrong type names its source and key', async (t) => {
  const file = await yamlFile('data:\n  seed: not-a-number\n');
  t.teardown(file.cleanup);
  const error = t.throws<CodexError>(() => resolveConfig({file: file.path, env: {}}));
  t.regex(error?.message ?? '', /data\.seed/);
  t.true(error?.message.startsWith(file.path));
  const fromEnv = t.throws<CodexError>(() => resolveConfig({env: {CODEX_DATA_SEED: 'abc'}}));
  t.regex(fromEnv?.message ?? '', /^env CODEX_DATA_SEED: data\.seed must be a number, got "abc"/);
  const fromSet = t.throws<CodexError>(() => resolveConfig({env: {}, sets: ['data.seed=1.5']}));
  t.regex(fromSet?.message ?? '', /^--set: data\.seed: must be an integer/);
});

test('malformed YAML is reported with file, line and column', async (t) => {
  const file = await yamlFile('hasher: [unclosed\n');
  t.teardown(file.cleanup);
  const error = t.throws<CodexError>(() => resolveConfig({file: file.path, env: {}}));
  t.regex(error?.message ?? '', new RegExp(`^${file.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML`));
});

test('a missing config file, a non-mapping file and __proto__ keys are refused', async (t) => {
  t.regex(t.throws<CodexError>(() => resolveConfig({file: '/nonexistent/codex.yaml', env: {}}))?.message ?? '', /does not exist/);
  const list = await yamlFile('- a\n- b\n');
  t.teardown(list.cleanup);
  t.regex(t.throws<CodexError>(() => resolveConfig({file: list.path, env: {}}))?.message ?? '', /top level must be a mapping/);
  const proto = await yamlFile('__proto__:\n  hasher: x\n');
  t.teardown(proto.cleanup);
  t.regex(t.throws<CodexError>(() => resolveConfig({file: proto.path, env: {}}))?.message ?? '', /forbidden key "__proto__"/);
});

test('--set needs key=value and a declared key', (t) => {
  t.regex(t.throws<CodexError>(() => resolveConfig({env: {}, sets: ['hasher']}))?.message ?? '', /expected key=value/);
  t.regex(
    t.throws<CodexError>(() => resolveConfig({env: {}, sets: ['hashr=sha256']}))?.message ?? '',
    /unknown config key "hashr" \(did you mean "hasher"\?\)/,
  );
});

test('an empty YAML file is valid and changes nothing', async (t) => {
  const file = await yamlFile('# nothing here\n');
  t.teardown(file.cleanup);
  t.is(resolveConfig({file: file.path, env: {}}).get('hasher'), 'blake3');
});

test('get refuses undeclared keys', (t) => {
  t.throws(() => resolveConfig({env: {}}).get('no.such.key'), {message: /not declared/});
});
