/**
 * Checksum lists as `sha256sum`, `b3sum` and `codex hash` write them, and as `sha256sum -c` / `b3sum -c` read
 * them: `<hex>  <name>` (text mode) or `<hex> *<name>` (binary mode), a line starting with `\` when the name
 * holds a backslash or a newline (escaped `\\` and `\n`), and BSD tags `SHA256 (<name>) = <hex>`.
 */

export interface ChecksumLine {
  /** 1-based line number in the list. */
  readonly line: number;
  readonly path: string;
  readonly hex: string;
  /** The algorithm a BSD tag names (`SHA256` → sha256), when the line has one. */
  readonly algorithm?: string;
}

export interface ParsedChecksumList {
  readonly entries: readonly ChecksumLine[];
  /** Line numbers that are neither form (sha256sum: "improperly formatted"). */
  readonly malformed: readonly number[];
}

export function parseChecksumList(text: string): ParsedChecksumList {
  const entries: ChecksumLine[] = [];
  const malformed: number[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, raw] of lines.entries()) {
    const number = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const escaped = line.startsWith('\\');
    const body = escaped ? line.slice(1) : line;
    const gnu = /^([0-9a-fA-F]+) [ *](.+)$/.exec(body);
    const bsd = /^([A-Za-z0-9-]+) \((.+)\) = ([0-9a-fA-F]+)$/.exec(body);
    const name = gnu?.[2] ?? bsd?.[2];
    const hex = gnu?.[1] ?? bsd?.[3];
    if (name === undefined || hex === undefined) {
      malformed.push(number);
      continue;
    }
    const path = escaped ? unescapeName(name) : name;
    if (path === undefined) {
      malformed.push(number);
      continue;
    }
    entries.push({line: number, path, hex: hex.toLowerCase(), ...(bsd ? {algorithm: (bsd[1] as string).toLowerCase()} : {})});
  }
  return {entries, malformed};
}

/** `<hex>  <name>`, escaped as coreutils does when the name holds a backslash or a newline. */
export function formatChecksumLine(hex: string, path: string): string {
  const {escaped, name} = escapeName(path);
  return `${escaped ? '\\' : ''}${hex}  ${name}`;
}

/** A name as coreutils prints it: `\\` and `\n` escaped, and then the line marked with a leading backslash. */
export function escapeName(path: string): {readonly escaped: boolean; readonly name: string} {
  if (!/[\\\n\r]/.test(path)) return {escaped: false, name: path};
  return {escaped: true, name: path.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r')};
}

function unescapeName(name: string): string | undefined {
  let out = '';
  for (let index = 0; index < name.length; index++) {
    const character = name[index];
    if (character !== '\\') {
      out += character;
      continue;
    }
    const next = name[++index];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else return undefined;
  }
  return out;
}
