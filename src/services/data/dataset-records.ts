import {createHash} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {CodexError, ExitCode, fileError} from '@codex-ml/core';
import {checkItemId} from './item-id.js';

/** One record of a line-based dataset (.jsonl or .txt). */
export interface DatasetRecord {
  readonly id: string;
  readonly text: string;
  readonly label?: string;
  readonly group?: string;
  /** The record's line without its line break; what the item checksum covers. */
  readonly line: string;
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

/** Lines of a file without their terminators (LF or CRLF); a final line break does not add an empty line. */
export async function readLines(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * Records of a .jsonl file: one JSON object per non-blank line. The id, text, label and group come from the
 * configured fields; ids may be strings or integers, labels and groups any scalar (kept as strings).
 */
export async function readJsonlRecords(path: string, fields: JsonlFields): Promise<DatasetRecord[]> {
  const lines = await readLines(path);
  const records: DatasetRecord[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const where = `${path}:${index + 1}`;
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
    const text = record[fields.textField];
    if (typeof text !== 'string') {
      throw recordError(where, `has no string "${fields.textField}" field`, 'set data.jsonl.textField to the field holding the text');
    }
    const label = scalar(record, fields.labelField, where);
    const group = scalar(record, fields.groupField, where);
    records.push({
      id: checkItemId(String(rawId), where),
      text,
      line,
      lineNumber: index + 1,
      ...(label === undefined ? {} : {label}),
      ...(group === undefined ? {} : {group}),
    });
  }
  return records;
}

/**
 * Records of a .txt file: one item per non-blank line (blank lines are skipped but still counted). The id is
 * `L<line number>-<first 12 hex digits of SHA-256 of the line's UTF-8 bytes>`: the position keeps equal lines
 * apart, and the content part makes an edited line show up as removed and added rather than silently changed.
 */
export async function readTextLineRecords(path: string): Promise<DatasetRecord[]> {
  const lines = await readLines(path);
  const records: DatasetRecord[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    records.push({id: textLineId(index + 1, line), text: line, line, lineNumber: index + 1});
  }
  return records;
}

export function textLineId(lineNumber: number, line: string): string {
  return `L${lineNumber}-${createHash('sha256').update(line, 'utf8').digest('hex').slice(0, 12)}`;
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
