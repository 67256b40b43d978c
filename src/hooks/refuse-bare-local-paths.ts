import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import type {Hook} from '@oclif/core';
import {ExitCode} from '@codex-ml/core';

/**
 * `codex plugins:install ./x.tgz` would be read as the GitHub repository "./x.tgz" (anything with a slash and no
 * colon is), and `x.tgz` as an npm package name; both fail later with a message about GitHub or the registry.
 * When the argument names something on disk, say how to install it instead.
 */
const refuseBareLocalPaths: Hook<'plugins:preinstall'> = async function ({plugin}) {
  const typed = plugin.type === 'npm' ? plugin.name : plugin.url.replace(/^https:\/\/github\.com\//, '');
  if (typed.includes(':') || !existsSync(typed)) return;
  const absolute = resolve(typed);
  // One line, like every codex error (oclif would wrap an error thrown from here), then the usage exit code.
  process.stderr.write(`Error: ${typed} is a local path, not a package or repository — install it as file:${absolute}\n`);
  this.exit(ExitCode.usage);
};

export default refuseBareLocalPaths;
