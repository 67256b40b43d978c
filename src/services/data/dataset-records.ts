import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {CodexError, ExitCode, type InvalidUtf8Policy, decodeLine, fileError, splitByteLines, wellFormedText} from '@codex-ml/core';
import {checkItemId} from './item-id.js';

/** One record of a line-based dataset (.jsonl or .txt). */
export interface DatasetRecord {
  readonly id: string;
  readonly text: string;
  readonly label?: string;
  readonly group?: string;
  /** The record's raw line without its line break: what the item checksum covers, byte for byte. */
  readonly bytes: Uint8Array;
  /** 1-based physical line number. */
  readonly lineNumber: number;
}

/** Field names of a .jsonl dataset (`data.jsonl.*`). */
export interface JsonlFields {
  readonly idField: string;
  readonly textField: string;
  /** Empty or null: no labels in the records. */
  readonly labelField: string | null;
  readonly groupField: string | null;
}

/** A line of a file: its raw bytes (without `\n` / `\r\n`) and its text under the policy. */
export interface FileLine {
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly number: number;
}

/**
 * Lines of a file without their terminators (LF or CRLF); a final line break does not add an empty line.
 * Text is decoded strictly: invalid UTF-8 is an error naming the file, line and byte offset unless the policy
 * says to replace it or skip the line (a skipped line is simply absent; later lines keep their numbers).
 */
export async function readLines(path: string, policy: InvalidUtf8Policy = 'error'): Promise<FileLine[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  const lines: FileLine[] = [];
  for (const line of splitByteLines(bytes)) {
    const text = decodeLine(line, path, policy);
    if (text !== undefined) lines.push({bytes: line.bytes, text, number: line.number});
  }
  return lines;
}

/**
 * Records of a .jsonl file: one JSON object per non-blank line. The id, text, label and group come from the
 * configured fields; ids may be strings or integers, labels and groups any scalar (kept as strings).
 */
export async function readJsonlRecords(path: string, fields: JsonlFields, policy: InvalidUtf8Policy = 'error'): Promise<DatasetRecord[]> {
  const records: DatasetRecord[] = [];
  for (const {text: line, bytes, number} of await readLines(path, policy)) {
    if (line.trim() === '') continue;
    const where = `${path}:${number}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw recordError(
        where,
        `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        'write one JSON object per line',
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw recordError(where, 'is not a JSON object', 'write one JSON object per line');
    const record = value as Record<string, unknown>;
    const rawId = record[fields.idField];
    if (typeof rawId !== 'string' && !(typeof rawId === 'number' && Number.isInteger(rawId))) {
      throw recordError(where, `has no string or integer "${fields.idField}" field`, 'set data.jsonl.idField to the field holding ids');
    }
    const field = record[fields.textField];
    if (typeof field !== 'string') {
      throw recordError(where, `has no string "${fields.textField}" field`, 'set data.jsonl.textField to the field holding the text');
    }
    // JSON escapes can spell lone surrogates, which valid UTF-8 cannot: the same policy applies.
    const text = wellFormedText(field, `${where}: field "${fields.textField}"`, policy);
    if (text === undefined) continue;
    const label = scalar(record, fields.labelField, where);
    const group = scalar(record, fields.groupField, where);
    records.push({
      id: checkItemId(String(rawId), where),
      text,
      bytes,
      lineNumber: number,
      ...(label === undefined ? {} : {label}),
      ...(group === undefined ? {} : {group}),
    });
  }
  return records;
}

/**
 * Records of a .txt file: one item per non-blank line (blank lines are skipped but still counted). The id is
 * `L<line number>-<first 12 hex digits of SHA-256 of the line's raw bytes>`: the position keeps equal lines
 * apart, and the content part makes an edited line show up as removed and added rather than silently changed.
 */
export async function readTextLineRecords(path: string, policy: InvalidUtf8Policy = 'error'): Promise<DatasetRecord[]> {
  const records: DatasetRecord[] = [];
  for (const {text, bytes, number} of await readLines(path, policy)) {
    if (text.trim() === '') continue;
    records.push({id: textLineId(number, bytes), text, bytes, lineNumber: number});
  }
  return records;
}

export function textLineId(lineNumber: number, bytes: Uint8Array): string {
  return `L${lineNumber}-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}

function scalar(record: Record<string, unknown>, field: string | null, where: string): string | undefined {
  if (field === null || field === '') return undefined;
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw recordError(where, `field "${field}" is not a string, number or boolean`, 'labels and groups are scalars');
}

function recordError(where: string, problem: string, hint: string): CodexError {
  return new CodexError('E_DATASET', `${where}: the record ${problem}`, {hint, exitCode: ExitCode.input});
}
