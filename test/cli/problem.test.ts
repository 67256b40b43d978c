import test from 'ava';
import {CodexError} from '@codex-ml/core';
import {describeProblem} from '../../src/cli/problem.js';
import {escapeControls} from '../../src/cli/terminal-text.js';

test('an unexpected error is its first line, escaped, with where to find the details', (t) => {
  const problem = describeProblem(new Error('\n  boom\u001b[31m in the engine\nat some/stack:1:2'));
  t.like(problem, {code: 'E_INTERNAL', exitCode: 1, message: 'boom\u001b[31m in the engine'});
  t.is(problem.line, 'boom\\x1b[31m in the engine (run with DEBUG=codex* for details)');
  t.is(describeProblem('plain text').message, 'plain text');
});

test('a usage error keeps the detail oclif puts on later lines, on one line', (t) => {
  const error = Object.assign(new Error('Parsing --seed \n\tExpected an integer but received: 1.5\nSee more help with --help'), {
    oclif: {exit: 2},
  });
  t.like(describeProblem(error), {
    code: 'E_USAGE',
    exitCode: 2,
    line: 'Parsing --seed: expected an integer but received: 1.5 — see --help',
  });
  t.is(describeProblem(Object.assign(new Error('Nonexistent flag: --nope'), {oclif: {exit: 2}})).message, 'Nonexistent flag: --nope');
});

test('a codex error is one line with its hint; control characters and bidi overrides become visible escapes', (t) => {
  const error = new CodexError('E_FILE', 'cannot read a\nb\u202ec\u0000', {hint: 'check\tthe path', exitCode: 4});
  t.like(describeProblem(error), {code: 'E_FILE', exitCode: 4, line: 'cannot read a\\nb\\u202ec\\x00 — check\\tthe path'});
  t.is(escapeControls('tab\there\r\u0085\u2066'), 'tab\\there\\r\\x85\\u2066');
});
