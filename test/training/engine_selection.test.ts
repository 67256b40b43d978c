import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {isOneLineError, privateHome, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'plugins');
// Inputs are only named: every refusal below must come before they are read.
const INPUTS = ['--set', 'training.data=not-read', '--set', 'training.tokenizer=not-read'];

/** A private CLI home with the foreign-optimizer fixture linked. */
async function sandbox() {
  const home = await tempDir('codex-engine-');
  const env = privateHome(home.path);
  const codex = (...args: string[]) => runCli(args, {env, cwd: home.path});
  const link = await codex('plugins:link', join(fixtures, 'foreign-optimizer'), '--no-install');
  if (link.code !== 0) throw new Error(link.stderr);
  return {home, codex};
}

test('an optimizer of another engine is refused by name before any work, listing the engine’s own optimizers', async (t) => {
  const {home, codex} = await sandbox();
  t.teardown(home.cleanup);
  const refused = await codex('train', '--set', 'training.optimizer.name=foreign-sgd', ...INPUTS);
  t.is(refused.code, 3, refused.stderr);
  t.true(isOneLineError(refused.stderr), refused.stderr);
  t.regex(
    refused.stderr,
    /^Error: training\.optimizer\.name \(from --set\): optimizer "foreign-sgd" serves the foreign engine, not tfjs \(training\.engine, from default\) — set training\.optimizer\.name to an optimizer of tfjs: adam, adamw, momentum, sgd$/m,
  );
  t.false(
    (await readdir(home.path)).some((name) => name === 'runs' || name === '.codex'),
    'no run directory, no cache',
  );

  const json = await codex('train', '--set', 'training.optimizer.name=foreign-sgd', ...INPUTS, '--json');
  t.like(JSON.parse(json.stdout), {error: {code: 'E_OPTIMIZER_ENGINE', exitCode: 3}});
});

test('an unknown training engine is one line listing the registered engines', async (t) => {
  const {home, codex} = await sandbox();
  t.teardown(home.cleanup);
  const unknown = await codex('train', '--set', 'training.engine=foreign', ...INPUTS);
  t.is(unknown.code, 3);
  t.true(isOneLineError(unknown.stderr), unknown.stderr);
  t.regex(unknown.stderr, /^Error: training\.engine \(from --set\): unknown training-engine backend "foreign"; registered: tfjs — /m);

  const backends = JSON.parse((await codex('backends', '--json')).stdout) as Record<string, Array<{name: string; selected: boolean}>>;
  t.deepEqual(
    backends['training-engine']?.map((row) => [row.name, row.selected]),
    [['tfjs', true]],
  );
  t.true(backends['optimizer']?.some((row) => row.name === 'foreign-sgd'));
});
