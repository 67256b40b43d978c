import {CodexError, ExitCode} from '../errors.js';

/** One share of an item set cut into `count` parts: `index` in `[0, count)`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (as given to `--shard`): `0/4` … `3/4`. */
export function parseShard(text: string, where = '--shard'): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new CodexError('E_USAGE', `${where} ${JSON.stringify(text)} is not a shard i/n with 0 <= i < n`, {
      hint: 'for example --shard 0/4 (the first of four shards); with a Kubernetes Indexed Job: --shard $JOB_COMPLETION_INDEX/N',
      exitCode: ExitCode.usage,
    });
  }
  return {index, count};
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * The shard an id belongs to: FNV-1a (32-bit) of the id's UTF-8 bytes, modulo `count`. Fixed and documented
 * so any machine, and any later version, assigns the same items to the same shard.
 */
export function shardOfId(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    let code = id.charCodeAt(i);
    if (code < 0x80) {
      hash = Math.imul(hash ^ code, 0x01000193);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = code <= 0xdbff && i + 1 < id.length ? id.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        code = 0xfffd; // a lone surrogate encodes as U+FFFD in UTF-8
      }
    }
    const bytes =
      code < 0x800
        ? [0xc0 | (code >> 6), 0x80 | (code & 63)]
        : code < 0x10000
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)]
          : [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)];
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return (hash >>> 0) % count;
}
