import test from 'ava';
import {HASH_SEED, WordCountTable, hashStep, stringHash} from '../src/wordpiece/word-count-table.js';

/** Distinct words of varied length (past the 16-unit fast path, and non-ASCII), some seen many times. */
function words(count: number): string[] {
  return Array.from({length: count}, (_, i) => `${i % 3 === 0 ? 'ü' : 'w'}${i.toString(36)}${'x'.repeat(i % 23)}`);
}

test('counts and first-seen order survive growth of the entries, the slots and the pool', (t) => {
  const table = new WordCountTable();
  const reference = new Map<string, number>();
  // Well past the initial 32,768 entries and 262,144 pool units.
  const vocabulary = words(40_000);
  for (const [i, word] of vocabulary.entries()) {
    const times = 1 + (i % 4);
    table.count(word, times);
    reference.set(word, (reference.get(word) ?? 0) + times);
  }
  for (const word of vocabulary.slice(0, 5_000)) {
    table.count(word);
    reference.set(word, (reference.get(word) ?? 0) + 1);
  }
  t.is(table.size, reference.size);
  t.deepEqual([...table.toMap()], [...reference]);
});

test('countSpan counts a span of text through the lowering table, as count does the lowered word', (t) => {
  const lower = new Uint8Array(128);
  for (let unit = 0; unit < 128; unit++) lower[unit] = unit >= 65 && unit <= 90 ? unit + 32 : unit;
  lower['-'.charCodeAt(0)] = 0;
  const table = new WordCountTable();
  const reference = new Map<string, number>();
  const text = words(40_000)
    .map((word) => word.replace('ü', 'U-'))
    .join(' ');
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    let hash = HASH_SEED;
    let length = 0;
    let lowered = '';
    for (let i = start; i < end; i++) {
      const unit = lower[text.charCodeAt(i)] as number;
      if (unit === 0) continue;
      hash = hashStep(hash, unit);
      length++;
      lowered += String.fromCharCode(unit);
    }
    t.is(hash, stringHash(lowered));
    // Twice: the second finds the word already counted.
    table.countSpan(text, start, end, lower, hash, length);
    table.countSpan(text, start, end, lower, hash, length);
    reference.set(lowered, (reference.get(lowered) ?? 0) + 2);
    start = end + 1;
  }
  t.deepEqual([...table.toMap()], [...reference]);
});
