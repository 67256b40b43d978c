import {execFile} from 'node:child_process';
import {readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {gunzipSync} from 'node:zlib';
import {CodexError, ExitCode, fileError} from '@codex-ml/core';

/** What `codex plugins:install` is asked to install, as @oclif/plugin-plugins parses it. */
export type PluginSpec =
  | {readonly type: 'npm'; readonly name: string; readonly tag: string}
  | {readonly type: 'repo'; readonly url: string};

/**
 * The package.json of a plugin before it is installed: from a `file:` tarball (read in memory) or directory, or
 * from the registry (`npm view`, the client the install itself uses). Undefined for a git repository, which can
 * only be read by cloning it.
 */
export async function readPluginPackage(spec: PluginSpec): Promise<Record<string, unknown> | undefined> {
  if (spec.type === 'npm') {
    const {stdout} = await promisify(execFile)('npm', [
      'view',
      `${spec.name}@${spec.tag}`,
      'name',
      'version',
      'engines',
      'codex',
      '--json',
    ]);
    const parsed = JSON.parse(stdout) as Record<string, unknown> | Record<string, unknown>[];
    return Array.isArray(parsed) ? parsed.at(-1) : parsed;
  }
  if (!spec.url.startsWith('file:')) return undefined;
  const path = spec.url.slice('file:'.length);
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(path, error);
  });
  const text = info.isDirectory()
    ? await readFile(join(path, 'package.json'), 'utf8').catch((error: unknown) => {
        throw fileError(join(path, 'package.json'), error);
      })
    : packageJsonOfTarball(path, await readFile(path));
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new CodexError('E_PLUGIN', `${path}: its package.json is not valid JSON`, {exitCode: ExitCode.plugin});
  }
}

/**
 * The top-level package.json of an npm tarball (`npm pack`: gzip of a ustar archive whose files sit under one
 * directory, `package/`). Tar headers are 512-byte blocks: name at 0, size in octal at 124, prefix at 345.
 */
function packageJsonOfTarball(path: string, gzipped: Buffer): string {
  let archive: Buffer;
  try {
    archive = gunzipSync(gzipped);
  } catch {
    throw new CodexError('E_PLUGIN', `${path} is not a gzipped tarball (npm pack writes one)`, {exitCode: ExitCode.plugin});
  }
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = [field(345, 155), field(0, 100)].filter((part) => part !== '').join('/');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const body = offset + 512;
    if (/^[^/]+\/package\.json$/.test(name)) return archive.subarray(body, body + size).toString('utf8');
    offset = body + Math.ceil(size / 512) * 512;
  }
  throw new CodexError('E_PLUGIN', `${path} holds no package.json`, {hint: 'pack the plugin with npm pack', exitCode: ExitCode.plugin});
}
