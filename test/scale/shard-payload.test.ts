import test from 'ava';
import {isCodexError} from '@codex-ml/core';
import {readShardPayload} from '../../src/services/shards/shard-tasks.js';

test('a shard job payload is read field by field: a well-formed one comes back whole', (t) => {
  const payload = {cwd: '/work', sets: ['data.source=corpus'], out: '/shared/p.json', record: {seed: 42}, allowDrift: true};
  t.deepEqual(readShardPayload(payload), payload);
  t.deepEqual(readShardPayload({cwd: '/w', sets: [], out: 'o'}), {cwd: '/w', sets: [], out: 'o'});
});

test('a malformed shard job payload is refused naming the field at fault', (t) => {
  const base = {cwd: '/w', sets: ['a=b'], out: 'o'};
  const cases: [Record<string, unknown>, string][] = [
    [{...base, cwd: 3}, 'cwd'],
    [{...base, sets: 'a=b'}, 'sets'],
    [{...base, sets: ['a=b', 4]}, 'sets'],
    [{...base, out: undefined}, 'out'],
    [{...base, record: ['x']}, 'record'],
    [{...base, allowDrift: 'yes'}, 'allowDrift'],
  ];
  for (const [payload, field] of cases) {
    const error = t.throws(() => readShardPayload(payload));
    t.true(isCodexError(error), field);
    t.regex(error?.message ?? '', new RegExp(`"${field}"`));
  }
});
