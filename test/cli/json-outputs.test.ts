import {spawn} from 'node:child_process';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import test from 'ava';
import {Ajv, type ValidateFunction} from 'ajv';
import {JSON_LINE_TYPES, SCHEMAS_DIR, jsonCommands, schemaFileOf} from '../helpers/cli-surface.js';
import {cliPath, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';
import {writeCorpus} from '../training/cli_fixtures.js';

const ajv = new Ajv({allErrors: true, strict: false});
const validators = new Map<string, ValidateFunction>();
async function validatorOf(file: string): Promise<ValidateFunction> {
  let validate = validators.get(file);
  if (validate === undefined) {
    validate = ajv.compile(JSON.parse(await readFile(file, 'utf8')) as object);
    validators.set(file, validate);
  }
  return validate;
}

/** Commands whose real --json output a test below checked against its schema. */
const checked = new Set<string>();

/**
 * Runs `codex <args> --json` and checks its stdout against the command's schema (each line, for the commands
 * that print JSON Lines), or against schemas/error.json when it fails.
 */
async function json<T = Record<string, unknown>>(cwd: string, args: readonly string[], options: {fails?: boolean; input?: string} = {}) {
  const command = args[0] as string;
  const result = await runCli([...args, '--json'], {cwd, timeoutMs: 300_000, ...(options.input ? {input: options.input} : {})});
  const failed = result.code !== 0;
  if (failed !== (options.fails === true))
    throw new Error(`codex ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
  const values =
    command in JSON_LINE_TYPES && !failed
      ? result.stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as unknown)
      : [JSON.parse(result.stdout) as unknown];
  const validate = await validatorOf(failed ? join(SCHEMAS_DIR, 'error.json') : schemaFileOf(command));
  for (const value of values) {
    if (!validate(value)) throw new Error(`codex ${args.join(' ')} --json does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
  if (!failed) checked.add(command);
  return values[0] as T;
}

test.serial('data, tokenizer, training and runs commands print JSON their schemas describe', async (t) => {
  const dir = await tempDir('codex-json-');
  t.teardown(dir.cleanup);
  const cwd = dir.path;
  await writeCorpus(join(cwd, 'data'));
  await json(cwd, ['init']);
  await json(cwd, ['config:show']);
  await json(cwd, ['backends']);
  await json(cwd, ['hash', 'data']);
  const data = await json<{runId: string}>(cwd, ['prepare-data', '--input', 'data']);
  await json(cwd, ['data:verify', data.runId]);
  await json(cwd, ['prepare-data', '--input', 'data', '--shard', '0/2', '--out', 'p0.json']);
  await json(cwd, ['prepare-data', '--input', 'data', '--shard', '1/2', '--out', 'p1.json']);
  await json(cwd, ['data:merge', 'p0.json', 'p1.json']);
  await json(cwd, ['tokenizer:count', '--input', data.runId, '--shard', '0/1', '--out', 'c0.json']);
  const tokenizer = await json<{runId: string; tokenizer: string}>(cwd, ['tokenizer:train', '--input', data.runId, '--vocab-size', '300']);
  await json(cwd, [
    'tokenizer:validate',
    '--tokenizer',
    tokenizer.tokenizer,
    '--input',
    data.runId,
    '--set',
    'tokenizer.validate.maxUnknownRate=1',
  ]);
  await json(cwd, ['tokenizer:encode', '--tokenizer', tokenizer.tokenizer], {input: 'the cat\nsat on the mat\n'});
  await json(cwd, ['tokenizer:decode', '--tokenizer', tokenizer.tokenizer], {input: '[5, 6, 7]\n[8]\n'});
  await json(cwd, ['tokenizer:export', '--tokenizer', tokenizer.tokenizer, '--out', 'tokenizer-exported']);
  const tiny = ['training.tfjs.layers=1', 'training.tfjs.dModel=32', 'training.tfjs.heads=2', 'training.model.contextLength=16']
    .concat([
      'training.batchSize=2',
      'training.steps=2',
      'training.evalInterval=2',
      'training.evalBatches=1',
      'training.checkpointInterval=2',
    ])
    .flatMap((set) => ['--set', set]);
  const training = await json<{runId: string}>(cwd, [
    'train',
    '--set',
    `training.data=${data.runId}`,
    '--set',
    `training.tokenizer=${tokenizer.runId}`,
    ...tiny,
  ]);
  await json(cwd, ['evaluate', training.runId, '--set', 'evaluation.maxBatches=1', '--set', 'evaluation.batchSize=2']);
  await json(cwd, ['generate', training.runId, '--prompt', 'the', '--max-tokens', '3']);
  await json(cwd, ['export', training.runId, '--format', 'hf', '--out', 'exported']);
  await json(cwd, ['runs:list']);
  await json(cwd, ['runs:show', training.runId]);
  await json(cwd, ['runs:verify', training.runId]);
  await json(cwd, ['runs:report', training.runId, '--samples', '0']);
  await json(cwd, ['runs:migrate', '--from', 'fs', '--to', 'sqlite']);
  await json(cwd, ['runs:gc']);
  await json(cwd, ['plugins:new', 'sha512', '--contract', 'hasher', '--dir', 'plugins']);
  // A failure is the error object every command shares.
  await json(cwd, ['runs:show', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], {fails: true});
  await writeFile(join(cwd, 'codex.yaml'), '');
  await json(cwd, [
    'pipeline',
    '--set',
    'data.input=data',
    '--set',
    'data.splitter=seeded',
    ...tiny,
    '--set',
    'tokenizer.vocabSize=300',
    '--set',
    'pipeline.report=false',
  ]);
  t.pass();
});

test.serial('codex worker prints its result when stopped', async (t) => {
  const {RedisServer} = (await import(pathToFileURL(join(repoRoot, 'plugins', 'executors', 'dist', 'test', 'redis-server.js')).href)) as {
    RedisServer: {binary(): string | undefined; start(): Promise<{readonly url: string; stop(): Promise<void>}>};
  };
  if (RedisServer.binary() === undefined) return t.fail('redis-server is not installed (apt-get install redis-server)');
  const redis = await RedisServer.start();
  const dir = await tempDir('codex-json-worker-');
  t.teardown(async () => {
    await redis.stop();
    await dir.cleanup();
  });
  const env: Record<string, string> = {NO_COLOR: '1'};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('CODEX_')) env[key] = value;
  const args = ['worker', '--json', '--set', 'executor.name=bullmq', '--set', `executor.bullmq.url=${redis.url}`];
  const child = spawn(process.execPath, [cliPath, ...args], {cwd: dir.path, env, stdio: ['ignore', 'pipe', 'pipe']});
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  await new Promise((ready) => setTimeout(ready, 4000));
  child.kill('SIGTERM');
  await exited;
  const validate = await validatorOf(schemaFileOf('worker'));
  const value = JSON.parse(stdout) as unknown;
  t.true(validate(value), ajv.errorsText(validate.errors));
  checked.add('worker');
});

test.serial('every command that prints JSON was checked against its schema above', async (t) => {
  const missing = [...(await jsonCommands()).keys()].filter((command) => !checked.has(command));
  t.deepEqual(missing, [], 'add a call of each new command to test/cli/json-outputs.test.ts');
});
