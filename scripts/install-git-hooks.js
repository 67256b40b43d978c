#!/usr/bin/env node
// `npm install` / `npm ci` (npm's `prepare`): installs the git pre-commit hook, which runs biome on the staged
// files (lint-staged) and the type check. It never fails an install; it says in one line why it skips, and skips
//   - outside a git checkout (a source tarball), and in CI (CI=true), where nobody commits;
//   - in a linked worktree, whose hooks directory every other checkout of the repository shares;
//   - with SKIP_SIMPLE_GIT_HOOKS=1;
//   - when a pre-commit hook of another origin is already there (it is left alone).
// A hook manager's own postinstall would install into the shared hooks directory of a linked worktree, which
// is why this small script installs the hook instead.
import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const MARKER = '# codex-ml pre-commit hook (scripts/install-git-hooks.js)';
const HOOK = `#!/bin/sh
${MARKER}: biome on the staged files, then the type check.
# Skip once with git commit --no-verify, or always with SKIP_SIMPLE_GIT_HOOKS=1.
[ "$SKIP_SIMPLE_GIT_HOOKS" = "1" ] && exit 0
npx --no-install lint-staged && npm run --silent typecheck
`;

const skip = (why) => {
  console.log(`git pre-commit hook not installed: ${why}`);
  process.exit(0);
};
const git = (...args) => {
  try {
    return execFileSync('git', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
  } catch {
    return undefined;
  }
};

if (process.env.SKIP_SIMPLE_GIT_HOOKS === '1') skip('SKIP_SIMPLE_GIT_HOOKS=1');
if (process.env.CI) skip('CI');
const gitDir = git('rev-parse', '--absolute-git-dir');
if (gitDir === undefined) skip('not a git checkout');
if (git('rev-parse', '--path-format=absolute', '--git-common-dir') !== gitDir) {
  skip('a linked worktree shares its hooks with the other checkouts');
}
const hooks = git('rev-parse', '--path-format=absolute', '--git-path', 'hooks');
if (hooks === undefined) skip('git did not say where its hooks are');
const path = join(hooks, 'pre-commit');
if (existsSync(path)) {
  const current = readFileSync(path, 'utf8');
  if (current === HOOK) process.exit(0);
  if (!current.includes(MARKER)) skip(`${path} exists and is not ours; add "npx lint-staged && npm run typecheck" to it`);
}
try {
  mkdirSync(hooks, {recursive: true});
  writeFileSync(path, HOOK);
  chmodSync(path, 0o755);
  console.log(`git pre-commit hook installed: ${path}`);
} catch (error) {
  skip(`${path} could not be written (${error instanceof Error ? error.message : String(error)})`);
}
