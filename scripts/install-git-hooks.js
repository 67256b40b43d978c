#!/usr/bin/env node
// `npm install` / `npm ci` (npm's `prepare`): installs the git pre-commit hook that runs biome on the staged
// files and the type check (simple-git-hooks; the hook itself is in package.json). It never fails an install:
// it says in one line why it skips, and skips
//   - outside a git checkout (a source tarball), and in CI (CI=true), where nobody commits;
//   - in a linked worktree, whose hooks directory is shared with every other checkout of the repository;
//   - with SKIP_SIMPLE_GIT_HOOKS=1;
//   - when simple-git-hooks is not installed (npm ci --omit=dev).
import {execFileSync} from 'node:child_process';
import {createRequire} from 'node:module';

const skip = (why) => {
  console.log(`git hooks not installed: ${why}`);
  process.exit(0);
};

if (process.env.SKIP_SIMPLE_GIT_HOOKS === '1') skip('SKIP_SIMPLE_GIT_HOOKS=1');
if (process.env.CI) skip('CI');
const git = (...args) => {
  try {
    return execFileSync('git', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim();
  } catch {
    return undefined;
  }
};
const gitDir = git('rev-parse', '--absolute-git-dir');
if (gitDir === undefined) skip('not a git checkout');
const commonDir = git('rev-parse', '--path-format=absolute', '--git-common-dir');
if (commonDir !== gitDir) skip('a linked worktree shares its hooks with the other checkouts');
let cli;
try {
  cli = createRequire(import.meta.url).resolve('simple-git-hooks/cli.js');
} catch {
  skip('simple-git-hooks is not installed');
}
try {
  execFileSync(process.execPath, [cli], {stdio: 'inherit'});
} catch {
  skip('simple-git-hooks failed; run npx simple-git-hooks to retry');
}
