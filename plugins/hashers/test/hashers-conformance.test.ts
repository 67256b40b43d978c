import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type Hasher, loadBackend} from '@codex-ml/core';
import {type HashVector, hasherConformance, writeLargeInput} from '@codex-ml/core/testing';
import test from 'ava';
import register from '../src/hooks/register.js';

/** Known vectors, as printed by the reference tools (`sha256sum`, `b3sum`, `xxhsum -H3`). */
const VECTORS: Readonly<Record<string, readonly HashVector[]>> = {
  sha256: [
    {input: '', hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'},
    {input: 'abc', hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'},
    {input: 'The quick brown fox jumps over the lazy dog', hex: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592'},
  ],
  blake3: [
    {input: '', hex: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262'},
    {input: 'abc', hex: '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85'},
    {input: 'The quick brown fox jumps over the lazy dog', hex: '2f1514181aadccd913abd94cfa592701a5686ab23f8df1dff1b74710febc6d4a'},
  ],
  xxh3: [
    {input: '', hex: '2d06800538d394c2'},
    {input: 'abc', hex: '78af5f94892f3950'},
    {input: 'The quick brown fox jumps over the lazy dog', hex: 'ce7d19a5418fb365'},
  ],
};

/** The reference tool of each algorithm, and how to read its output. */
const REFERENCE_TOOLS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  sha256: ['sha256sum', []],
  blake3: ['b3sum', ['--num-threads', '1']],
  xxh3: ['xxhsum', ['-H3']],
};

function referenceDigest(algorithm: string, file: string): string {
  const [tool, args] = REFERENCE_TOOLS[algorithm] ?? [];
  if (!tool || !args) throw new Error(`no reference tool for ${algorithm}`);
  const output = execFileSync(tool, [...args, file], {encoding: 'utf8'});
  // sha256sum and b3sum print "<hex>  <file>"; xxhsum may print "XXH3 (<file>) = <hex>".
  const hex = /^([0-9a-f]+)\s/.exec(output)?.[1] ?? /=\s*([0-9a-f]+)\s*$/.exec(output)?.[1];
  if (!hex) throw new Error(`cannot read the digest from ${tool}: ${output}`);
  return hex;
}

// Every await comes before the first test: ava wants all tests declared in the module's first turn.
// A file just over 64 MiB, hashed once by each reference tool and streamed by every backend.
const directory = mkdtempSync(join(tmpdir(), 'codex-hashers-'));
const largeFile = join(directory, 'large.bin');
await writeLargeInput(largeFile);
const references = new Map(Object.keys(REFERENCE_TOOLS).map((algorithm) => [algorithm, referenceDigest(algorithm, largeFile)]));

// Exactly the registered backends: a backend added to the hook without passing the suite fails here.
const contribution = await register();
const backends = await Promise.all(
  contribution.backends
    .filter((backend) => backend.contract === 'hasher')
    .map(async (backend) => {
      const create = async (): Promise<Hasher> =>
        await loadBackend({contract: 'hasher', name: backend.name, plugin: '@codex-ml/plugin-hashers', spec: backend.spec});
      return {name: backend.name, create, algorithm: (await create()).algorithm};
    }),
);

test.after.always(() => rmSync(directory, {recursive: true, force: true}));

test('the plugin registers the five hashers', (t) => {
  t.deepEqual(backends.map((backend) => backend.name).sort(), ['blake3', 'blake3-native', 'sha256', 'xxh3', 'xxh3-native']);
});

for (const {name, create, algorithm} of backends) {
  // Serial: the large-input check measures this process's resident set, which concurrent tests would blur.
  hasherConformance(test.serial, {
    name: `hasher ${name}`,
    create,
    vectors: VECTORS[algorithm] ?? [],
    largeInput: {file: largeFile, expected: references.get(algorithm)},
  });
}
