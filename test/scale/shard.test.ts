import test from 'ava';
import {formatShard, isCodexError, parseShard, shardOfId} from '@codex-ml/core';

/** The documented rule, written the obvious way: FNV-1a (32-bit) of the UTF-8 bytes, modulo the count. */
function reference(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(id, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % count;
}

test('shardOfId is FNV-1a of the UTF-8 bytes modulo n, for ASCII, accents, CJK, emoji and lone surrogates', (t) => {
  const ids = ['a', 'doc-0001.txt', 'naïve/café.txt', '東京/文書', 'emoji-🎉-id', 'lone-\ud800-high', 'lone-\udc00-low', 'end-\ud83d', ''];
  for (const id of ids) for (const count of [1, 2, 3, 4, 7, 16]) t.is(shardOfId(id, count), reference(id, count), `${id} ${count}`);
  const spread = new Array<number>(4).fill(0);
  for (let i = 0; i < 4000; i++) spread[shardOfId(`item-${i}`, 4)] = (spread[shardOfId(`item-${i}`, 4)] as number) + 1;
  t.true(
    spread.every((n) => n > 800),
    `shards are balanced: ${spread}`,
  );
});

test('parseShard reads i/n and refuses anything else in one line', (t) => {
  t.deepEqual(parseShard('0/4'), {index: 0, count: 4});
  t.deepEqual(parseShard(' 3 / 4 '), {index: 3, count: 4});
  t.is(formatShard({index: 1, count: 2}), '1/2');
  for (const bad of ['4/4', '1/0', '-1/2', 'a/b', '1', '1/2/3', '']) {
    const error = t.throws(() => parseShard(bad, '--shard'));
    t.true(isCodexError(error));
    t.regex(error?.message ?? '', /--shard ".*" is not a shard i\/n with 0 <= i < n/);
  }
});
