import {join} from 'node:path';
import {type Backends, type Manifest, writeFileAtomic} from '@codex-ml/core';
import {sealManifest} from './manifest-seal.js';

/** File every run directory holds its manifest in, whatever the manifest store. */
export const RUN_MANIFEST_FILE = 'manifest.json';

/**
 * Records a finished run's manifest, sealed, where both kinds of reader look: `<run dir>/manifest.json`, which
 * commands open by path, and the configured manifest store over the run's runs directory (which `--run-dir` may
 * move away from `runs.dir`), which `runs:*` query. The run directory is written first and is the record of
 * truth: when the store cannot take the manifest, the run still stands, with a warning.
 */
export async function recordRunManifest(
  backends: Backends,
  run: {readonly path: string; readonly runsDir: string},
  manifest: Manifest,
  warn: (message: string) => void,
): Promise<void> {
  const sealed = sealManifest(manifest);
  await writeFileAtomic(join(run.path, RUN_MANIFEST_FILE), `${JSON.stringify(sealed, null, 2)}\n`);
  const name = backends.selected('manifest-store');
  if (!backends.names('manifest-store').includes(name)) return;
  try {
    const store = await backends.open('manifest-store', name, 'manifest.store', {dir: run.runsDir});
    await store.put(sealed, {replace: true});
  } catch (error) {
    warn(
      `run ${manifest.runId}: the manifest was written to the run directory but not to the ${name} manifest store: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
