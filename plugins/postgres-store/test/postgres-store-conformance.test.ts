import {createHash} from 'node:crypto';
import {basename} from 'node:path';
import test from 'ava';
import pg from 'pg';
import {manifestStoreConformance} from '@codex-ml/core/testing';
import {PostgresCluster} from './postgres-cluster.js';

const backend = {module: new URL('../src/postgres-manifest-store.js', import.meta.url).href, export: 'PostgresManifestStore'};

if (PostgresCluster.binDir() === undefined) {
  test.skip('manifest-store postgres conformance: skipped, PostgreSQL is not installed (apt-get install postgresql)', () => {});
} else {
  let cluster: PostgresCluster | undefined;
  test.before(async () => {
    cluster = await PostgresCluster.start();
  });
  test.after.always(async () => {
    await cluster?.stop();
  });
  const url = () => (cluster as PostgresCluster).url();
  // Each check gets a fresh, empty store: its own schema, named after its temp directory.
  const schemaOf = (directory: string) => `t_${createHash('sha256').update(basename(directory)).digest('hex').slice(0, 16)}`;

  manifestStoreConformance(test, {
    name: 'manifest-store postgres',
    backend,
    options: (directory) => ({url: url(), schema: schemaOf(directory)}),
    writerProcesses: 4,
    writesPerProcess: 250,
    // Truncates the stored JSON, as a bad edit or a torn copy of the row would.
    corrupt: async (directory, runId) => {
      const client = new pg.Client({connectionString: url()});
      await client.connect();
      try {
        await client.query(`UPDATE "${schemaOf(directory)}".manifests SET body = substr(body, 1, 40) WHERE run_id = $1`, [runId]);
      } finally {
        await client.end();
      }
    },
  });
}
