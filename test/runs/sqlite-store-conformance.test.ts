import {join} from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import {manifestStoreConformance} from '@codex-ml/core/testing';

const backend = {module: import.meta.resolve('@codex-ml/plugin-sqlite-store'), export: 'SqliteManifestStore'};
const databaseIn = (directory: string) => join(directory, 'manifests.sqlite');

manifestStoreConformance(test, {
  name: 'manifest-store sqlite',
  backend,
  options: (directory) => ({path: databaseIn(directory)}),
  // Truncates the stored JSON, as a bad edit or a torn copy of the row would.
  corrupt: async (directory, runId) => {
    const db = new Database(databaseIn(directory));
    try {
      db.prepare('UPDATE manifests SET body = substr(body, 1, 40) WHERE run_id = ?').run(runId);
    } finally {
      db.close();
    }
  },
});
