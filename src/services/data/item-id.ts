import {CodexError, ExitCode} from '@codex-ml/core';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Item ids are relative POSIX paths inside the dataset root, whatever the format: they name files, appear
 * one per line in split lists, and readers join them to the root. So an id must not escape the root (`..`,
 * absolute or drive paths), must not hide a duplicate (`./a`, `a//b`, backslashes) and must not contain
 * control characters (a newline would break the line-based lists).
 */
export function checkItemId(id: unknown, where: string): string {
  const fail = (problem: string) =>
    new CodexError('E_DATASET', `${where}: item id ${JSON.stringify(id)} ${problem}`, {
      hint: 'ids are relative paths inside the dataset: no "..", no leading "/", no backslashes or control characters',
      exitCode: ExitCode.input,
    });
  if (typeof id !== 'string' || id === '') throw fail('is not a non-empty string');
  if (CONTROL.test(id)) throw fail('contains a control character');
  if (id.startsWith('/') || /^[A-Za-z]:/.test(id)) throw fail('is an absolute path');
  if (id.includes('\\')) throw fail('contains a backslash');
  for (const segment of id.split('/')) {
    if (segment === '..') throw fail('escapes the dataset root');
    if (segment === '' || segment === '.') throw fail('has an empty or "." path segment');
  }
  return id;
}
