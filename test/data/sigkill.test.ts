import {spawn} from 'node:child_process';
import {access, readdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {cliPath, runCli, tempDir} from '../helpers/run-cli.js';
import {type PrepareJson, type VerifyJson, runJson} from './data-fixtures.js';

/** Records whose manifest (all items inline) is tens of megabytes, so its write takes a while. */
const RECORDS = 60_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The manifest's temp file in some run directory, once the writer has started it. */
async function manifestTempFile(runsDir: string): Promise<{runId: string; name: string} | undefined> {
  for (const runId of await readdir(runsDir).catch(() => [] as string[])) {
    const names = await readdir(join(runsDir, runId)).catch(() => [] as string[]);
    const name = names.find((entry) => entry.startsWith('.manifest.json.') && entry.endsWith('.tmp'));
    if (name) return {runId, name};
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

test('SIGKILL while prepare-data writes its manifest leaves no partial manifest; a re-run succeeds', async (t) => {
  const dir = await tempDir();
  try {
    const records = Array.from({length: RECORDS}, (_, i) =>
      JSON.stringify({id: `record-${i}`, text: `text of record ${i}`, label: `L${i % 5}`}),
    );
    await writeFile(join(dir.path, 'big.jsonl'), `${records.join('\n')}\n`);
    const args = ['prepare-data', '--input', 'big.jsonl', '--set', `data.inlineItems=${RECORDS}`, '--set', 'hasher=xxh3'];
    // On a busy machine the poll can miss the write; then the run simply finishes and the attempt is repeated.
    let seen: {runId: string; name: string} | undefined;
    for (let attempt = 0; attempt < 3 && !seen; attempt++) {
      const child = spawn(process.execPath, [cliPath, ...args], {cwd: dir.path, stdio: 'ignore'});
      const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
      const deadline = Date.now() + 120_000;
      while (!seen && Date.now() < deadline && child.exitCode === null) {
        seen = await manifestTempFile(join(dir.path, 'runs'));
        if (!seen) await sleep(1);
      }
      child.kill('SIGKILL');
      const signal = await exited;
      if (seen) t.is(signal, 'SIGKILL', 'the writer was killed before it finished');
      else t.log(`attempt ${attempt + 1}: the manifest write was not caught; retrying`);
    }
    t.truthy(seen, 'the kill landed while the manifest was being written');
    const runDir = join(dir.path, 'runs', seen?.runId ?? '');
    t.false(await exists(join(runDir, 'manifest.json')), 'no manifest.json, not even a partial one');

    // The killed run is unfinished, and says so in one line.
    const verifyKilled = await runCli(['data:verify', seen?.runId ?? ''], {cwd: dir.path});
    t.is(verifyKilled.code, 4);
    t.regex(verifyKilled.stderr, /no data manifest at/);

    const rerun = await runJson<PrepareJson>(args, dir.path);
    t.is(rerun.result.code, 0, rerun.result.stderr);
    t.is(rerun.json.itemCount, RECORDS);
    const verify = await runJson<VerifyJson>(['data:verify', rerun.json.runId], dir.path);
    t.true(verify.json.ok, JSON.stringify(verify.json).slice(0, 300));
  } finally {
    await dir.cleanup();
  }
});

test('SIGKILL at any moment leaves either no manifest or a complete one', async (t) => {
  const dir = await tempDir();
  try {
    await writeFile(join(dir.path, 'lines.txt'), Array.from({length: 20_000}, (_, i) => `line ${i}`).join('\n'));
    for (const delay of [400, 900, 1500]) {
      const child = spawn(process.execPath, [cliPath, 'prepare-data', '--input', 'lines.txt'], {cwd: dir.path, stdio: 'ignore'});
      const exited = new Promise((done) => child.on('exit', done));
      await sleep(delay);
      child.kill('SIGKILL');
      await exited;
    }
    for (const runId of await readdir(join(dir.path, 'runs')).catch(() => [] as string[])) {
      if (!(await exists(join(dir.path, 'runs', runId, 'manifest.json')))) continue;
      const verify = await runJson<VerifyJson>(['data:verify', runId], dir.path);
      t.true(verify.json.ok, `run ${runId} has a manifest, so it must be whole and verify`);
    }
    t.pass();
  } finally {
    await dir.cleanup();
  }
});
