const utf8 = new TextEncoder();

/** The `<0xHH>` token id of each UTF-8 byte of `text`, or undefined when some byte has no such token. */
export function byteFallbackIds(text: string, vocab: ReadonlyMap<string, number>): number[] | undefined {
  const ids: number[] = [];
  for (const byte of utf8.encode(text)) {
    const id = vocab.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}
