import test from 'ava';
import {CodexError, ExitCode} from '@codex-ml/core';
import {failureRecord} from '../src/failure-record.js';
import {shardFailed} from '../src/shard-failure.js';

test('a CodexError crosses a process as its code, message, hint and exit code; anything else as one line', (t) => {
  const coded = new CodexError('E_DATASET', 'corpus/x.txt holds no items', {hint: 'add files', exitCode: ExitCode.input});
  t.deepEqual(failureRecord(coded), {code: 'E_DATASET', message: 'corpus/x.txt holds no items', hint: 'add files', exitCode: 4});
  t.deepEqual(failureRecord(new CodexError('E_X', 'no hint')), {code: 'E_X', message: 'no hint', exitCode: 1});
  t.deepEqual(failureRecord(new TypeError('first line\n    at somewhere')), {code: 'E_SHARD', message: 'first line', exitCode: 1});
  t.deepEqual(failureRecord('a string'), {code: 'E_SHARD', message: 'a string', exitCode: 1});
  const job = {task: 'data.checksum-shard', key: 'k', shard: {index: 2, count: 4}, payload: {}};
  const failed = shardFailed(job, 3, failureRecord(coded));
  t.is(failed.message, 'shard 2/4 (data.checksum-shard) failed 3 times: corpus/x.txt holds no items');
  t.is(failed.hint, 'add files');
  t.is(failed.exitCode, 4);
  t.regex(shardFailed(job, 1, failureRecord('boom')).hint ?? '', /finished shards are rewritten identically/);
});
