import {readFile} from 'node:fs/promises';
import {CodexError, ExitCode, fileError} from '@codex-ml/core';
import {checkItemId} from './item-id.js';

/**
 * Reads a mapping file of `<id> <value>` lines, the shape of the Brown corpus's `cats.txt`: fields separated
 * by whitespace, the value being the rest of the line after the id; blank lines and lines starting with `#`
 * are skipped. An id listed twice is an error naming both lines.
 */
export async function readMappingFile(path: string, what: 'label' | 'group'): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  const mapping = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${path}:${index + 1}`;
    const match = /^(\S+)\s+(\S.*)$/.exec(line);
    if (!match) {
      throw new CodexError('E_DATASET', `${where}: expected "<id> <${what}>", got ${JSON.stringify(line.slice(0, 60))}`, {
        hint: `write one "<id> <${what}>" pair per line`,
        exitCode: ExitCode.input,
      });
    }
    const id = checkItemId(match[1], where);
    if (mapping.has(id)) {
      throw new CodexError('E_DATASET', `${where}: id ${JSON.stringify(id)} already has a ${what} on line ${lineOf.get(id)}`, {
        hint: `give each id one ${what}`,
        exitCode: ExitCode.input,
      });
    }
    mapping.set(id, (match[2] as string).trim());
    lineOf.set(id, index + 1);
  }
  return mapping;
}
