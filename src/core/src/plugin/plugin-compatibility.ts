// By function: the package index loads all of semver, a cost every command would pay at start-up.
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import {API_VERSION} from '../api-version.js';

/**
 * Why a plugin, by its package.json, cannot run in this codex: it declares no valid core API range, or one
 * that excludes this core's API. Undefined when it can. The host checks this before a plugin registers
 * anything, and `codex plugins:install` before installing it.
 */
export function apiRangeProblem(pjson: Readonly<Record<string, unknown>>, apiVersion = API_VERSION): string | undefined {
  const codex = pjson['codex'];
  const apiRange = typeof codex === 'object' && codex !== null ? (codex as {apiRange?: unknown}).apiRange : undefined;
  if (typeof apiRange !== 'string' || validRange(apiRange) === null) {
    return 'declares no valid core API range; add "codex": {"apiRange": "^1.0.0"} to its package.json';
  }
  if (!satisfies(apiVersion, apiRange)) {
    return `supports core API ${apiRange}, this codex provides ${apiVersion}; install a version of the plugin built for ${apiVersion}`;
  }
  return undefined;
}

/** Why a package's `engines.node` excludes the running Node (`version`: `process.version`), or undefined. */
export function nodeEngineProblem(pjson: Readonly<Record<string, unknown>>, version = process.version): string | undefined {
  const engines = pjson['engines'];
  const range = typeof engines === 'object' && engines !== null ? (engines as {node?: unknown}).node : undefined;
  if (range === undefined) return undefined;
  if (typeof range !== 'string' || validRange(range) === null) return `declares an invalid engines.node range ${JSON.stringify(range)}`;
  return satisfies(version, range) ? undefined : `requires Node ${range}, this is Node ${version}`;
}
