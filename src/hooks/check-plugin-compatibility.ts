import type {Hook} from '@oclif/core';
import {ExitCode, apiRangeProblem, isCodexError, nodeEngineProblem} from '@codex-ml/core';
import {readPluginPackage} from '../services/plugins/plugin-package.js';

/**
 * Before `codex plugins:install` runs npm: a plugin whose `engines.node` excludes this Node, or whose core API
 * range excludes this codex, is refused in one line, and nothing is installed. Otherwise it would install,
 * then warn (or be ignored) on every command.
 */
const checkPluginCompatibility: Hook<'plugins:preinstall'> = async function ({plugin}) {
  let pjson: Record<string, unknown> | undefined;
  try {
    pjson = await readPluginPackage(plugin);
  } catch (error) {
    // A package npm cannot describe, or a path that is no plugin: the install reports it in its own words.
    if (isCodexError(error)) refuse(this, error.toLine(), error.exitCode);
    return;
  }
  if (pjson === undefined) return;
  const problems = [nodeEngineProblem(pjson), apiRangeProblem(pjson)].filter((problem) => problem !== undefined);
  if (problems.length === 0) return;
  const name =
    typeof pjson['name'] === 'string'
      ? `${pjson['name']}${typeof pjson['version'] === 'string' ? `@${pjson['version']}` : ''}`
      : 'the plugin';
  refuse(this, `${name} is not installed: it ${problems.join('; it ')}`, ExitCode.plugin);
};

/** One line, like every codex error (oclif would wrap an error thrown from a hook), then the exit code. */
function refuse(context: Hook.Context, line: string, code: number): void {
  process.stderr.write(`Error: ${line}\n`);
  context.exit(code);
}

export default checkPluginCompatibility;
