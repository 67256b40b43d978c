import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {manifestStoreConformance} from '@codex-ml/core/testing';

const manifestOf = (directory: string, runId: string) => join(directory, runId, 'manifest.json');

manifestStoreConformance(test, {
  name: 'manifest-store fs',
  backend: {module: import.meta.resolve('@codex-ml/plugin-manifest-stores'), export: 'FsManifestStore'},
  options: (directory) => ({dir: directory}),
  // Cuts the manifest file short, as a copy interrupted mid-file would.
  corrupt: async (directory, runId) => {
    const text = await readFile(manifestOf(directory, runId), 'utf8');
    await writeFile(manifestOf(directory, runId), text.slice(0, 40));
  },
});
