import {CodexError, type DecodeOptions, ExitCode, type Tokenizer} from '@codex-ml/core';

/**
 * Decodes lines of ids — JSON Lines objects with an `ids` array, bare JSON arrays, or whitespace-separated
 * integers — one text per line. Every id is checked against the vocabulary first, so a bad id is reported
 * with its line instead of deep inside the model.
 */
export class TokenizerDecodeService {
  async *decodeLines(tokenizer: Tokenizer, lines: AsyncIterable<string>, source: string, options: DecodeOptions): AsyncGenerator<string> {
    let number = 0;
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      yield this.decodeIds(tokenizer, parseIds(line, `${source}:${number}`), `${source}:${number}`, options);
    }
  }

  decodeIds(tokenizer: Tokenizer, ids: readonly number[], where: string, options: DecodeOptions): string {
    for (const id of ids) {
      if (id >= tokenizer.vocabSize) {
        throw new CodexError('E_TOKENIZER', `${where}: id ${id} is out of range; the vocabulary has ids 0..${tokenizer.vocabSize - 1}`, {
          hint: 'decode with the tokenizer that produced these ids',
          exitCode: ExitCode.input,
        });
      }
    }
    return tokenizer.decode(ids, options);
  }
}

/** Ids of one input line; `where` names it in errors. */
export function parseIds(line: string, where: string): number[] {
  const text = line.trim();
  let value: unknown;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw badLine(where, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!Array.isArray(value)) {
      const ids = typeof value === 'object' && value !== null && Object.hasOwn(value, 'ids') ? (value as {ids: unknown}).ids : undefined;
      if (!Array.isArray(ids)) throw badLine(where, 'has no "ids" array');
      value = ids;
    }
  } else {
    value = text.split(/[\s,]+/).map((part) => (/^-?\d+$/.test(part) ? Number(part) : part));
  }
  const ids = value as unknown[];
  for (const id of ids) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      throw badLine(where, `holds ${JSON.stringify(id)}, not a token id (an integer >= 0)`);
  }
  return ids as number[];
}

function badLine(where: string, what: string): CodexError {
  return new CodexError('E_INPUT', `${where} ${what}`, {
    hint: 'give one JSON object {"ids": [...]} per line, a JSON array, or integers separated by spaces',
    exitCode: ExitCode.input,
  });
}
