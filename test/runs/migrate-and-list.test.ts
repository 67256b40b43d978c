import {join} from 'node:path';
import test from 'ava';
import type {Manifest, ManifestSummary} from '@codex-ml/core';
import {runCli, tempDir} from '../helpers/run-cli.js';
import {SyntheticRuns, openStore} from './synthetic-runs.js';

test('runs:migrate --from fs --to sqlite copies every manifest exactly, is idempotent and refuses conflicts', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const fs = openStore('fs', runsDir);
  const runs = new SyntheticRuns(runsDir, fs);
  const manifests: Manifest[] = [];
  for (let round = 0; round < 8; round++) {
    const {data, tokenizer, training} = await runs.pipeline(3, 3);
    manifests.push(data, tokenizer, training);
  }
  await fs.close();

  const first = await runCli(['runs:migrate', '--from', 'fs', '--to', 'sqlite', '--json'], {cwd: dir.path});
  t.is(first.code, 0, first.stderr);
  t.deepEqual(JSON.parse(first.stdout), {from: 'fs', to: 'sqlite', total: 24, copied: 24, unchanged: 0, replaced: 0});
  const sqlite = openStore('sqlite', runsDir);
  for (const manifest of manifests) t.deepEqual(await sqlite.get(manifest.runId), manifest);
  t.deepEqual(
    (await sqlite.list()).map((summary) => summary.runId),
    manifests.map((manifest) => manifest.runId).sort(),
  );

  const again = await runCli(['runs:migrate', '--from', 'fs', '--to', 'sqlite', '--json'], {cwd: dir.path});
  t.is(JSON.parse(again.stdout).copied, 0);
  t.is(JSON.parse(again.stdout).unchanged, 24);

  const [changed] = manifests;
  await sqlite.put({...(changed as Manifest), note: 'edited in the target'}, {replace: true});
  await sqlite.close();
  const conflict = await runCli(['runs:migrate', '--from', 'fs', '--to', 'sqlite'], {cwd: dir.path});
  t.is(conflict.code, 4);
  t.regex(conflict.stderr, new RegExp(`run ${changed?.runId} is in both the fs and sqlite stores with different manifests`));
  const overwrite = await runCli(['runs:migrate', '--from', 'fs', '--to', 'sqlite', '--overwrite', '--json'], {cwd: dir.path});
  t.is(JSON.parse(overwrite.stdout).replaced, 1);

  // The migrated store serves the same listing and filters once selected.
  const list = async (store: string, ...filters: string[]) =>
    (
      JSON.parse((await runCli(['runs:list', '--json', '--set', `manifest.store=${store}`, ...filters], {cwd: dir.path})).stdout) as {
        runs: ManifestSummary[];
      }
    ).runs;
  t.deepEqual(await list('sqlite'), await list('fs'));
  const data = manifests[3] as Manifest;
  const byParent = await list('sqlite', '--parent', data.runId);
  t.deepEqual(byParent.map((run) => run.kind).sort(), ['tokenizer', 'training']);
  t.is((await list('sqlite', '--kind', 'training')).length, 8);
  t.is((await list('sqlite', '--dataset', 'brown-slice', '--kind', 'data')).length, 8);
  t.deepEqual(
    await list('sqlite', '--kind', 'training', '--newest', '--limit', '2'),
    (await list('fs', '--kind', 'training')).slice(-2).reverse(),
  );
});

test('runs:show lists config, metrics summary, artifacts with checksums, parents and children', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const runsDir = join(dir.path, 'runs');
  const store = openStore('sqlite', runsDir);
  const {data, tokenizer, training} = await new SyntheticRuns(runsDir, store).pipeline(20, 10);
  await store.close();
  const shown = await runCli(['runs:show', tokenizer.runId, '--json', '--set', 'manifest.store=sqlite'], {cwd: dir.path});
  t.is(shown.code, 0, shown.stderr);
  const details = JSON.parse(shown.stdout);
  t.deepEqual(details.parents, [{runId: data.runId, stored: true, kind: 'data', createdAt: data.createdAt}]);
  t.deepEqual(
    details.children.map((child: {runId: string}) => child.runId),
    [training.runId],
  );
  t.deepEqual(details.config, {tokenizer: {model: 'bpe', vocabSize: 512}});
  t.regex(details.artifacts[0].checksum, /^blake3:[0-9a-f]{64}$/);
  const human = await runCli(['runs:show', training.runId, '--set', 'manifest.store=sqlite'], {cwd: dir.path});
  t.regex(human.stdout, /metrics\s+20 train lines, 2 evals, last step 20/);
  t.regex(human.stdout, /sha256:[0-9a-f]{64}\s+4\.1 KB\s+checkpoints\/step-000040\/weights\.bin/);
});
