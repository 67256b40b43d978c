import {type JsonValue, OrderedJsonObject} from '../pipeline/json-value.js';

/**
 * Pretty JSON with two-space indents and keys in insertion order (`OrderedJsonObject` keeps even integer-like
 * keys in order). Arrays of scalars stay on one line, which keeps merge lists compact. Equal values give
 * byte-identical text.
 */
export function writeJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, '', out);
  out.push('\n');
  return out.join('');
}

function write(value: JsonValue, indent: string, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
    } else if (value.every((item) => item === null || typeof item !== 'object')) {
      out.push(`[${value.map((item) => JSON.stringify(item)).join(', ')}]`);
    } else {
      out.push('[\n');
      value.forEach((item, i) => {
        out.push(inner);
        write(item, inner, out);
        out.push(i + 1 < value.length ? ',\n' : '\n');
      });
      out.push(`${indent}]`);
    }
    return;
  }
  const entries = value instanceof OrderedJsonObject ? value.entries : Object.entries(value);
  if (entries.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{\n');
  entries.forEach(([key, item], i) => {
    out.push(`${inner}${JSON.stringify(key)}: `);
    write(item, inner, out);
    out.push(i + 1 < entries.length ? ',\n' : '\n');
  });
  out.push(`${indent}}`);
}
