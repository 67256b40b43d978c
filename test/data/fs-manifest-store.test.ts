import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {isCodexError, newRunId, runIdTime} from '@codex-ml/core';
import {manifestStoreConformance} from '@codex-ml/core/testing';
import {FsManifestStore} from '@codex-ml/plugin-manifest-stores';
import test from 'ava';
import {tempDir} from '../helpers/run-cli.js';

const moduleUrl = new URL('../../../plugins/manifest-stores/dist/src/fs-manifest-store.js', import.meta.url).href;

// The contract suite every ManifestStore passes; a torn write is a truncated manifest.json.
manifestStoreConformance(test, {
  name: 'manifest-store fs',
  backend: {module: moduleUrl, export: 'FsManifestStore'},
  options: (directory) => ({dir: directory}),
  corrupt: async (directory, runId) => {
    const path = join(directory, runId, 'manifest.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
  },
  writesPerProcess: 100,
});

function manifest(runId = newRunId()) {
  return {schemaVersion: 1, kind: 'data', runId, parents: [], createdAt: runIdTime(runId).toISOString(), datasetId: 'blake3:00'};
}

test('fs store: manifests live in <dir>/<runId>/manifest.json, pretty-printed, with nothing left beside them', async (t) => {
  const dir = await tempDir();
  try {
    const store = FsManifestStore.create({dir: dir.path});
    const value = manifest();
    await store.put(value);
    const text = await readFile(join(dir.path, value.runId, 'manifest.json'), 'utf8');
    t.deepEqual(JSON.parse(text), value);
    t.true(text.endsWith('}\n'));
    t.deepEqual(await readdir(join(dir.path, value.runId)), ['manifest.json']);
  } finally {
    await dir.cleanup();
  }
});

test('fs store: a header that does not parse is E_MANIFEST naming the run and the field', async (t) => {
  const dir = await tempDir();
  try {
    const store = FsManifestStore.create({dir: dir.path});
    const runId = newRunId();
    await mkdir(join(dir.path, runId));
    await writeFile(join(dir.path, runId, 'manifest.json'), JSON.stringify({...manifest(runId), createdAt: 'yesterday'}));
    const error = await t.throwsAsync(store.get(runId));
    t.true(isCodexError(error) && error.code === 'E_MANIFEST');
    t.regex(error?.message ?? '', new RegExp(`run ${runId}: .*createdAt "yesterday"`));
    const other = newRunId();
    await mkdir(join(dir.path, other));
    await writeFile(join(dir.path, other, 'manifest.json'), JSON.stringify(manifest(newRunId())));
    t.regex((await t.throwsAsync(store.get(other)))?.message ?? '', /records run id/);
  } finally {
    await dir.cleanup();
  }
});

test('fs store: malformed run ids are refused before they become paths; bad manifests are refused on put', async (t) => {
  const dir = await tempDir();
  try {
    const store = FsManifestStore.create({dir: dir.path});
    const traversal = await t.throwsAsync(store.get('../../etc/passwd'));
    t.true(isCodexError(traversal) && traversal.code === 'E_RUN_ID');
    const bad = await t.throwsAsync(store.put({...manifest(), parents: ['not-a-run']}));
    t.true(isCodexError(bad) && bad.code === 'E_MANIFEST');
    t.regex(bad?.message ?? '', /parent "not-a-run" is not a run id/);
    t.throws(() => FsManifestStore.create({dir: ''}));
  } finally {
    await dir.cleanup();
  }
});

test('fs store: temp files of killed writers are cleared by the next put and ignored meanwhile', async (t) => {
  const dir = await tempDir();
  try {
    const store = FsManifestStore.create({dir: dir.path});
    const runId = newRunId();
    await mkdir(join(dir.path, runId));
    // pid 2^22 + 1 is above Linux's pid_max default, so no live process has it.
    const orphan = `.manifest.json.${2 ** 22 + 1}.0badc0de.tmp`;
    await writeFile(join(dir.path, runId, orphan), '{"schemaVersion": 1, "ki');
    t.is(await store.get(runId), undefined);
    t.deepEqual(await store.list(), []);
    await store.put(manifest(runId));
    t.deepEqual(await readdir(join(dir.path, runId)), ['manifest.json']);
  } finally {
    await dir.cleanup();
  }
});
