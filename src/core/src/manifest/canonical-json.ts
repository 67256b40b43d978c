/**
 * JSON with object keys sorted (UTF-16 code units) at every level, `undefined` members left out, no
 * whitespace: equal values give equal text, and so equal digests and seals, whatever order their keys were set
 * in. Arrays keep their order; callers sort them where order carries no meaning. Built by appending to one
 * string rather than through a replacer: manifest seals cover every item and are checked on each verify.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // As JSON.stringify: a hole or an unserializable element is null.
      out += canonicalJson(value[i]) ?? 'null';
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const record = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const key of Object.keys(record).sort()) {
      const entry = record[key];
      if (entry === undefined || typeof entry === 'function') continue;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(key)}:${canonicalJson(entry)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}
