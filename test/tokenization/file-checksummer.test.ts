import {createHash} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {type CodexError, Kernel, resolveConfig} from '@codex-ml/core';
import test from 'ava';
import {FileChecksummer} from '../../src/services/tokenization/file-checksummer.js';
import {bundledRegistry} from '../helpers/bundled-registry.js';
import {tempDir} from '../helpers/run-cli.js';

test('checksums use the bound hasher for its algorithm, Backends for another, and refuse an algorithm no backend has', async (t) => {
  const registry = await bundledRegistry();
  const kernel = new Kernel(registry, resolveConfig({env: {}, sets: ['hasher=sha256'], schema: registry.schema}));
  t.teardown(() => kernel.dispose());
  const bound = await kernel.bind('hasher');
  const checksummer = kernel.resolve(FileChecksummer);
  t.is(checksummer.defaultAlgorithm, 'sha256');
  t.is(await checksummer.hasherFor('sha256'), bound);
  const other = await checksummer.hasherFor('xxh3');
  t.is(other.algorithm, 'xxh3');
  t.is(await checksummer.hasherFor('xxh3'), other, 'opened once per command');

  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const file = join(dir.path, 'a.txt');
  await writeFile(file, 'hello\n');
  const [sum] = await checksummer.checksum([{path: file, size: 6}], 'sha256');
  t.deepEqual(sum, {path: file, bytes: 6, checksum: `sha256:${createHash('sha256').update('hello\n').digest('hex')}`});

  const refused = await t.throwsAsync<CodexError>(checksummer.hasherFor('md5'));
  t.is(refused?.code, 'E_HASHER');
  t.is(refused?.message, 'no hasher backend verifies "md5:" checksums');
});
