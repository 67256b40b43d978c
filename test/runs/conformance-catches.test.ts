import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {MANIFEST_STORE_INVARIANTS, checkManifestStore} from '@codex-ml/core/testing';

test('the manifest store conformance suite fails a careless store on exactly the invariants it breaks', async (t) => {
  const results = await checkManifestStore({
    name: 'manifest-store careless',
    backend: {module: new URL('./fake-careless-manifest-store.js', import.meta.url).href, export: 'FakeCarelessManifestStore'},
    options: (directory) => ({dir: directory}),
    corrupt: async (directory, runId) => {
      const path = join(directory, runId, 'manifest.json');
      await writeFile(path, (await readFile(path, 'utf8')).slice(0, 40));
    },
    writesPerProcess: 20,
  });
  const failed = results.filter((result) => !result.ok).map((result) => result.invariant);
  t.true(failed.includes(MANIFEST_STORE_INVARIANTS.exists), 'silent overwrite');
  t.true(failed.includes(MANIFEST_STORE_INVARIANTS.corrupt), 'a corrupt manifest reported as missing');
  t.true(failed.includes(MANIFEST_STORE_INVARIANTS.atomic), 'in-place writes');
  t.false(failed.includes(MANIFEST_STORE_INVARIANTS.roundTrip), 'what it does right still passes');
  t.false(failed.includes(MANIFEST_STORE_INVARIANTS.filters));
  const message = results.find((result) => result.invariant === MANIFEST_STORE_INVARIANTS.exists)?.message ?? '';
  t.regex(
    message,
    /manifest-store careless violates the conformance invariant "put of an existing run fails with E_EXISTS unless replace"/,
  );
});
