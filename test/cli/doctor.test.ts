import {chmod, cp, mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {privateHome, repoRoot, runCli, tempDir} from '../helpers/run-cli.js';

interface DoctorJson {
  readonly ok: boolean;
  readonly findings: ReadonlyArray<{check: string; status: string; message: string; fix: string | null}>;
}

const fixtures = join(repoRoot, 'test', 'fixtures', 'plugins');

test('doctor reports a broken plugin, a plugin with its own core, another codex first on PATH, each with its fix', async (t) => {
  const home = await tempDir('codex-doctor-');
  t.teardown(home.cleanup);
  const env = privateHome(home.path);
  const codex = (args: string[], extra: Record<string, string> = {}) => runCli(args, {env: {...env, ...extra}, cwd: home.path});

  const healthy = await codex(['doctor', '--json']);
  t.is(healthy.code, 0, healthy.stderr);
  const before = JSON.parse(healthy.stdout) as DoctorJson;
  t.true(before.ok);
  t.like(
    before.findings.find((finding) => finding.check === 'node'),
    {status: 'ok'},
  );
  t.like(
    before.findings.find((finding) => finding.message.startsWith('hasher blake3 loads')),
    {status: 'ok'},
  );
  t.truthy(before.findings.find((finding) => finding.check === 'disk' && /GB free for runs/.test(finding.message)));

  // A plugin built for another core API, and one whose own @codex-ml/core is a second copy.
  t.is((await codex(['plugins:link', join(fixtures, 'incompatible'), '--no-install'])).code, 0);
  const twoCores = join(home.path, 'two-cores');
  await cp(join(fixtures, 'sha1-hasher'), twoCores, {recursive: true});
  await mkdir(join(twoCores, 'node_modules', '@codex-ml', 'core'), {recursive: true});
  await writeFile(join(twoCores, 'node_modules', '@codex-ml', 'core', 'package.json'), '{"name": "@codex-ml/core", "version": "0.0.9"}');
  t.is((await codex(['plugins:link', twoCores, '--no-install'])).code, 0);
  // Another codex earlier on PATH.
  const bin = join(home.path, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'codex'), '#!/bin/sh\necho an old codex\n');
  await chmod(join(bin, 'codex'), 0o755);

  const result = await codex(['doctor', '--json'], {PATH: `${bin}:${process.env.PATH ?? ''}`});
  t.is(result.code, 1, 'a failing finding fails the command');
  const report = JSON.parse(result.stdout) as DoctorJson;
  t.false(report.ok);
  t.like(
    report.findings.find((finding) => finding.message.startsWith('plugin codex-plugin-fixture-incompatible')),
    {check: 'plugin', status: 'fail', fix: 'codex plugins:uninstall codex-plugin-fixture-incompatible'},
  );
  t.regex(report.findings.find((finding) => finding.message.includes('own @codex-ml/core'))?.message ?? '', /0\.0\.9/);
  t.like(
    report.findings.find((finding) => finding.check === 'path'),
    {status: 'warn'},
  );
  t.regex(
    report.findings.find((finding) => finding.check === 'path')?.message ?? '',
    /bin\/codex comes first on PATH and is another codex/,
  );

  const text = await codex(['doctor'], {PATH: `${bin}:${process.env.PATH ?? ''}`});
  const lines = text.stdout.trim().split('\n');
  t.true(
    lines.every((line) => /^(ok {2}|warn|fail) {2}\S/.test(line)),
    text.stdout,
  );
  t.true(
    lines.filter((line) => !line.startsWith('ok')).every((line) => line.includes(' — fix: ')),
    'every problem says how to fix it',
  );
});
