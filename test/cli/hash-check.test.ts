import {execFileSync} from 'node:child_process';
import {appendFile, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {formatChecksumLine, parseChecksumList} from '../../src/services/checksum-list.js';
import {runCli, tempDir} from '../helpers/run-cli.js';

function has(tool: string): boolean {
  try {
    execFileSync('which', [tool], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
}

async function files(dir: string): Promise<string[]> {
  const names = ['a.txt', 'b.txt', 'with space.txt', 'back\\slash.txt'];
  for (const [index, name] of names.entries()) await writeFile(join(dir, name), `file ${index}\n`.repeat(index + 1));
  return names;
}

test('hash --check passes on a good list from codex hash, sha256sum or b3sum, and fails naming one changed file', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const names = await files(dir.path);
  const ours = await runCli(['hash', ...names], {cwd: dir.path});
  t.is(ours.code, 0, ours.stderr);
  await writeFile(join(dir.path, 'codex.b3'), ours.stdout);
  t.regex(ours.stdout, /^\\[0-9a-f]{64} {2}back\\\\slash\.txt$/m, 'a backslash in a name is escaped as coreutils does');
  if (has('b3sum')) {
    t.is(execFileSync('b3sum', names, {cwd: dir.path}).toString(), ours.stdout, 'the same lines as b3sum');
    t.regex(execFileSync('b3sum', ['-c', 'codex.b3'], {cwd: dir.path}).toString(), /a\.txt: OK/);
  }
  const good = await runCli(['hash', '--check', 'codex.b3'], {cwd: dir.path});
  t.is(good.code, 0, good.stderr);
  t.is(good.stdout, 'a.txt: OK\nb.txt: OK\nwith space.txt: OK\n\\back\\\\slash.txt: OK\n');

  await writeFile(join(dir.path, 'SHA256SUMS'), execFileSync('sha256sum', ['--', ...names], {cwd: dir.path}));
  const sha = await runCli(['hash', '--hasher', 'sha256', '-c', 'SHA256SUMS'], {cwd: dir.path});
  t.is(sha.code, 0, sha.stderr);
  await writeFile(join(dir.path, 'BSD'), execFileSync('sha256sum', ['--tag', 'a.txt'], {cwd: dir.path}));
  const bsd = await runCli(['hash', '-c', 'BSD', '--json'], {cwd: dir.path});
  t.like(JSON.parse(bsd.stdout), {ok: true, files: [{path: 'a.txt', status: 'ok'}]}, 'a BSD tag names its own algorithm');

  await appendFile(join(dir.path, 'b.txt'), 'x');
  const changed = await runCli(['hash', '--check', 'codex.b3'], {cwd: dir.path});
  t.is(changed.code, 5);
  t.is(changed.stdout, 'a.txt: OK\nb.txt: FAILED\nwith space.txt: OK\n\\back\\\\slash.txt: OK\n');
  t.is(changed.stderr, 'codex: WARNING: 1 computed checksum did NOT match\n');
  if (has('b3sum')) t.throws(() => execFileSync('b3sum', ['-c', 'codex.b3'], {cwd: dir.path, stdio: 'pipe'}), undefined, 'b3sum agrees');

  await rm(join(dir.path, 'a.txt'));
  await appendFile(join(dir.path, 'codex.b3'), 'not a checksum line\n');
  const json = await runCli(['hash', '--check', 'codex.b3', '--json'], {cwd: dir.path});
  t.is(json.code, 5);
  t.like(JSON.parse(json.stdout), {
    ok: false,
    failed: 1,
    missing: 1,
    malformed: [5],
    files: [{path: 'a.txt', status: 'missing', actual: null}],
  });
});

test('hash --check refuses a list with no checksum lines, and paths given with it', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await writeFile(join(dir.path, 'empty.txt'), 'nothing here\n');
  const empty = await runCli(['hash', '--check', 'empty.txt'], {cwd: dir.path});
  t.is(empty.code, 4);
  t.regex(empty.stderr, /^Error: empty\.txt: no properly formatted checksum lines/);
  const both = await runCli(['hash', 'x', '--check', 'empty.txt'], {cwd: dir.path});
  t.is(both.code, 2);
  const none = await runCli(['hash'], {cwd: dir.path});
  t.is(none.code, 2);
  t.regex(none.stderr, /missing argument PATHS/);
});

test('checksum lines round-trip through the coreutils escapes', (t) => {
  const line = formatChecksumLine('ab', 'new\nline\\name');
  t.is(line, '\\ab  new\\nline\\\\name');
  t.deepEqual(parseChecksumList(`${line}\nab *binary.bin\r\nSHA256 (x) = CD\n\\ab  bad\\q\n`), {
    entries: [
      {line: 1, path: 'new\nline\\name', hex: 'ab'},
      {line: 2, path: 'binary.bin', hex: 'ab'},
      {line: 3, path: 'x', hex: 'cd', algorithm: 'sha256'},
    ],
    malformed: [4],
  });
});
