import test from 'ava';
import {get_encoding} from 'tiktoken';
import {loadTiktokenEncoding} from '../src/index.js';
import {corpusSentences} from './helpers/bpe-fixture.js';

for (const name of ['gpt2', 'cl100k_base'] as const) {
  test(`${name} ranks encode exactly as tiktoken`, async (t) => {
    const ours = await loadTiktokenEncoding(name);
    const reference = get_encoding(name);
    try {
      const texts = [
        ...corpusSentences().heldOut.slice(0, 500),
        "I'm   don't  123456789 \r\n\r\n  ab\t\tc",
        'emoji 👨‍👩‍👧‍👦 and 東京 and e\u0301 and مرحبا',
        '   leading and trailing   ',
        '',
        // Long pieces take the heap merge path.
        'a'.repeat(1000),
        '='.repeat(1000),
        '1234567890'.repeat(120),
        corpusSentences()
          .heldOut.slice(0, 8)
          .join('')
          .replace(/[^A-Za-z]/g, ''),
        `x${'ab'.repeat(300)}é${'東'.repeat(200)}`,
      ];
      for (const text of texts) {
        const expected = Array.from(reference.encode(text));
        t.deepEqual(ours.encodeIds(text), expected, text);
        t.deepEqual([...ours.encode(text).ids], expected, text);
        t.is(ours.decode(expected), text);
      }
      const joined = texts.join('\n');
      t.deepEqual(ours.encodeIds(joined), Array.from(reference.encode(joined)));
      t.is(ours.tokenToId('<|endoftext|>'), name === 'gpt2' ? 50256 : 100257);
    } finally {
      reference.free();
    }
  });
}

test('an unknown tiktoken encoding is refused by name', async (t) => {
  const error = await t.throwsAsync(loadTiktokenEncoding('p99k'));
  t.regex(error?.message ?? '', /unknown tiktoken encoding "p99k"/);
});
