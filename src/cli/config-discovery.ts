import {existsSync, statSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import type {ConfigFile} from '@codex-ml/core';

/** The project config file, found by walking up from the working directory (like dvc.yaml or .git). */
export const PROJECT_CONFIG = 'codex.yaml';

/** The config files a command layers, lowest first, and the directory relative defaults live in. */
export interface ConfigLayers {
  readonly files: readonly ConfigFile[];
  /** The project root (where codex.yaml is) when one was found, else the working directory. */
  readonly baseDir: string;
}

/** `codex.yaml` in `from` or the nearest directory above it that has one. */
export function findProjectConfig(from: string): string | undefined {
  let directory = resolve(from);
  for (;;) {
    const candidate = join(directory, PROJECT_CONFIG);
    if (isFile(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * The files a command reads, lowest precedence first: its packaged defaults (`defaults`, a path inside the
 * installed package, so they apply from any directory), then either the `--config` files in order or the
 * project's `codex.yaml`.
 */
export function configLayers(options: {packaged: readonly string[]; explicit: readonly string[]; cwd: string}): ConfigLayers {
  const files: ConfigFile[] = [];
  for (const path of options.packaged) if (existsSync(path)) files.push({path, role: 'defaults'});
  if (options.explicit.length > 0) {
    for (const path of options.explicit) files.push({path, role: 'config'});
    return {files, baseDir: options.cwd};
  }
  const project = findProjectConfig(options.cwd);
  if (project === undefined) return {files, baseDir: options.cwd};
  files.push({path: project, role: 'project'});
  return {files, baseDir: dirname(project)};
}

/** One line for `--verbose` and `config:show`: which files are in use, lowest first. */
export function describeLayers(files: readonly ConfigFile[]): string {
  if (files.length === 0) return 'config: schema defaults only (no codex.yaml found; codex init writes one)';
  return `config: ${files.map((file) => `${file.path} (${ROLE_NAMES[file.role]})`).join(' < ')}`;
}

const ROLE_NAMES: Readonly<Record<ConfigFile['role'], string>> = {
  defaults: 'packaged defaults',
  project: 'project',
  config: '--config',
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
