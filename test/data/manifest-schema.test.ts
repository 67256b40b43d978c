import test from 'ava';
import {Ajv} from 'ajv';
import fc from 'fast-check';
import {DATA_MANIFEST_SCHEMA} from '../../src/services/data/data-manifest-schema.js';
import {checkJsonSchema} from '../../src/services/data/json-schema-check.js';

const validManifest = {
  schemaVersion: 1,
  kind: 'data',
  runId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  parents: [],
  createdAt: '2026-01-02T03:04:05.678Z',
  datasetId: 'blake3:00ff',
  root: '/data',
  seed: 42,
  splitter: {name: 'seeded', plugin: '@codex-ml/plugin-splitters', version: '0.1.0', params: {rank: 'murmur3x2-utf8-v1'}},
  hasher: {name: 'blake3', algorithm: 'blake3'},
  itemCount: 2,
  bytes: 10,
  dataset: {format: 'directory', path: '/data', options: {}, labels: {path: '/labels.txt', checksum: 'blake3:01'}},
  splits: [
    {name: 'train', ratio: 0.5, items: 1, bytes: 4, file: 'splits/train.txt', checksum: 'blake3:02', labels: {a: 1}},
    {name: 'test', ratio: 0.5, items: 1, bytes: 6, file: 'splits/test.txt', checksum: 'blake3:03'},
  ],
  tools: {codex: '0.1.0', node: 'v20'},
  config: {data: {seed: 42}},
  artifacts: [{path: 'checksums.txt', checksum: 'blake3:04', bytes: 90}],
  items: [
    {id: 'a.txt', split: 'train', checksum: 'blake3:05', bytes: 4, label: 'a'},
    {id: 'b.txt', split: 'test', checksum: 'blake3:06', bytes: 6},
  ],
  integrity: 'sha256:07',
};

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

/** Every path (list of keys) to a value inside `value`. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((child, i) => paths(child, [...prefix, i]))];
  if (value !== null && typeof value === 'object')
    return [...here, ...Object.entries(value).flatMap(([key, child]) => paths(child, [...prefix, key]))];
  return here;
}

function mutate(root: Json, path: Array<string | number>, action: 'set' | 'delete' | 'add', replacement: Json): Json {
  const copy = structuredClone(root);
  if (path.length === 0) return action === 'set' ? replacement : copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (action === 'set') parent[last] = replacement;
  else if (action === 'delete' && !Array.isArray(parent)) delete parent[last];
  else if (action === 'add' && parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) {
    (parent[last] as Record<string, Json>)['extra'] = replacement;
  }
  return copy;
}

test('the run-time schema check agrees with a full JSON Schema validator on valid and damaged manifests', (t) => {
  const validate = new Ajv({strict: true, strictRequired: false, allowUnionTypes: true}).compile(DATA_MANIFEST_SCHEMA);
  t.true(validate(validManifest));
  t.is(checkJsonSchema(validManifest, DATA_MANIFEST_SCHEMA), undefined);
  const allPaths = paths(validManifest as unknown as Json);
  fc.assert(
    fc.property(
      fc.constantFrom(...allPaths),
      fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<'set' | 'delete' | 'add'>,
      fc.oneof(fc.jsonValue(), fc.constantFrom('blake3:zz', 'blake3:0a', -1, 0, 1.5, 2, '', 'train', '01ARZ3NDEKTSV4RRFFQ69G5FAV', [], {})),
      (path, action, replacement) => {
        const damaged = mutate(validManifest as unknown as Json, path, action, replacement as Json);
        const ours = checkJsonSchema(damaged, DATA_MANIFEST_SCHEMA);
        const theirs = validate(damaged);
        return (ours === undefined) === theirs;
      },
    ),
    {numRuns: 2000},
  );
  t.regex(
    checkJsonSchema({...validManifest, datasetId: 'blake3:XYZ'}, DATA_MANIFEST_SCHEMA) ?? '',
    /^field \/datasetId must match pattern/,
  );
  t.regex(checkJsonSchema({...validManifest, items: undefined}, DATA_MANIFEST_SCHEMA) ?? '', /oneOf/);
});
