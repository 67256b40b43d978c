import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import {ByteLineSplitter, READ_CHUNK, decodeLine, isCodexError, splitByteLines} from '@codex-ml/core';
import {isOneLineError, runCli, tempDir} from '../helpers/run-cli.js';
import {type PrepareJson, type VerifyJson, runJson} from './data-fixtures.js';

const lines = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

test('a .txt dataset: invalid UTF-8 is refused by file, line and byte offset; with replace, FF FE → FE FF is still drift', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const path = join(dir.path, 'lines.txt');
  const more = Array.from({length: 8}, (_, index) => `line ${index + 4}\n`).join('');
  await writeFile(path, lines('first line\n', 'bad ', [0xff, 0xfe], ' bytes\n', 'third line\n', more));

  const refused = await runCli(['prepare-data', '--input', 'lines.txt'], {cwd: dir.path});
  t.is(refused.code, 4);
  t.true(isOneLineError(refused.stderr), refused.stderr);
  t.regex(refused.stderr, /lines\.txt:2: invalid UTF-8 at byte offset 15 — .*--on-invalid-utf8 replace/);

  const prepared = await runJson<PrepareJson>(['prepare-data', '--input', 'lines.txt', '--on-invalid-utf8', 'replace'], dir.path);
  t.is(prepared.result.code, 0, prepared.result.stderr);
  t.is(prepared.json.itemCount, 11);
  const clean = await runJson<VerifyJson>(['data:verify', prepared.json.runId], dir.path);
  t.true(clean.json.ok, clean.result.stderr);

  // Both byte pairs decode to two U+FFFD: only the raw bytes tell them apart.
  await writeFile(path, lines('first line\n', 'bad ', [0xfe, 0xff], ' bytes\n', 'third line\n', more));
  const drifted = await runJson<VerifyJson>(['data:verify', prepared.json.runId], dir.path);
  t.is(drifted.result.code, 5, drifted.result.stderr);
  t.false(drifted.json.ok);
  t.deepEqual(drifted.json.missing.length + drifted.json.changed.length, 1);
  t.is(drifted.json.added.length + drifted.json.changed.length, 1);
  t.not(drifted.json.currentDatasetId, prepared.json.datasetId, 'the dataset id covers the raw bytes');

  const skipped = await runJson<PrepareJson>(['prepare-data', '--input', 'lines.txt', '--on-invalid-utf8', 'skip', '--force'], dir.path);
  t.is(skipped.result.code, 0, skipped.result.stderr);
  t.is(skipped.json.itemCount, 10, 'the invalid line is left out');
});

test('a .jsonl dataset: a lone surrogate in the text is refused by line, or skipped on request', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await writeFile(
    join(dir.path, 'records.jsonl'),
    `{"id": "a", "text": "fine"}\n{"id": "b", "text": "half a pair: \\ud800 here"}\n${Array.from(
      {length: 8},
      (_, index) => `{"id": "c${index}", "text": "also fine"}\n`,
    ).join('')}`,
  );
  const refused = await runCli(['prepare-data', '--input', 'records.jsonl'], {cwd: dir.path});
  t.is(refused.code, 4);
  t.true(isOneLineError(refused.stderr), refused.stderr);
  t.regex(refused.stderr, /records\.jsonl:2: field "text": the text holds a lone surrogate \(\\ud800 at character 13\)/);
  const skipped = await runJson<PrepareJson>(['prepare-data', '--input', 'records.jsonl', '--on-invalid-utf8', 'skip'], dir.path);
  t.is(skipped.result.code, 0, skipped.result.stderr);
  t.is(skipped.json.itemCount, 9);
});

test('tokenizer:train: an invalid byte just past a read-chunk boundary is named exactly; a character split across it is fine', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  await mkdir(join(dir.path, 'ok'));
  await mkdir(join(dir.path, 'bad'));
  // 'é' (C3 A9) straddles the boundary of the reader's chunks.
  const filler = Buffer.alloc(READ_CHUNK - 1, 'a');
  for (let index = 99; index < filler.length; index += 100) filler[index] = 0x0a;
  await writeFile(join(dir.path, 'ok', 'straddle.txt'), Buffer.concat([filler, Buffer.from('é ok\n')]));
  const ok = await runCli(['tokenizer:train', '--input', 'ok', '--vocab-size', '270', '--json'], {cwd: dir.path});
  t.is(ok.code, 0, ok.stderr);
  await writeFile(join(dir.path, 'bad', 'late.txt'), Buffer.concat([filler, Buffer.from([0x41, 0x42, 0xc3, 0x28]), Buffer.from('\n')]));
  const bad = await runCli(['tokenizer:train', '--input', 'bad', '--vocab-size', '270'], {cwd: dir.path});
  t.is(bad.code, 4);
  const lineNumber = Math.floor((READ_CHUNK - 1) / 100) + 1;
  t.regex(bad.stderr, new RegExp(`late\\.txt:${lineNumber}: invalid UTF-8 at byte offset ${READ_CHUNK + 1} `));
});

/** Everything a reader decides from a stream: each line's number, offset, bytes and decoded text or error. */
function readAll(chunks: readonly Uint8Array[], policy: 'error' | 'replace' | 'skip'): string[] {
  const splitter = new ByteLineSplitter();
  const out: string[] = [];
  const take = (line: {bytes: Uint8Array; number: number; offset: number}) => {
    try {
      out.push(
        `${line.number}@${line.offset}:${Buffer.from(line.bytes).toString('hex')}=${JSON.stringify(decodeLine(line, 'in', policy))}`,
      );
    } catch (error) {
      out.push(isCodexError(error) ? error.message : String(error));
    }
  };
  for (const chunk of chunks) for (const line of splitter.push(chunk)) take(line);
  for (const line of splitter.end()) take(line);
  return out;
}

test('decoding is the same however the input is chunked (errors, offsets and replacements included)', (t) => {
  const byte = fc.oneof(
    fc.constantFrom(0x0a, 0x0d, 0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xfe, 0xed, 0xa0),
    fc.integer({min: 0, max: 255}),
  );
  fc.assert(
    fc.property(
      fc
        .uint8Array({maxLength: 300})
        .chain((seed) =>
          fc.tuple(fc.array(byte, {maxLength: 300}), fc.array(fc.integer({min: 1, max: 40}), {maxLength: 30}), fc.constant(seed)),
        ),
      fc.constantFrom('error' as const, 'replace' as const, 'skip' as const),
      ([bytes, cuts], policy) => {
        const input = Uint8Array.from(bytes);
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (const cut of cuts) {
          if (at >= input.length) break;
          chunks.push(input.slice(at, at + cut));
          at += cut;
        }
        chunks.push(input.slice(at));
        const whole = readAll([input], policy);
        t.deepEqual(readAll(chunks, policy), whole);
        t.is(splitByteLines(input).length, whole.length);
      },
    ),
    {numRuns: 300, seed: 16},
  );
});
