import test from 'ava';
import fc from 'fast-check';
import {PairTable} from '../src/index.js';

const pairs = fc.array(fc.tuple(fc.integer({min: 0, max: 2 ** 31 - 1}), fc.integer({min: 0, max: 2 ** 31 - 1})), {maxLength: 3_000});

test('the table keeps the first merge of every pair, through growth far past the expected size', (t) => {
  fc.assert(
    fc.property(pairs, fc.integer({min: 1, max: 64}), (list, expected) => {
      const table = new PairTable(expected);
      const reference = new Map<string, [number, number]>();
      list.forEach(([a, b], rank) => {
        const key = `${a},${b}`;
        t.is(table.add(a, b, rank, rank + 7), !reference.has(key));
        if (!reference.has(key)) reference.set(key, [rank, rank + 7]);
      });
      t.is(table.size, reference.size);
      for (const [key, [rank, id]] of reference) {
        const [a, b] = key.split(',').map(Number) as [number, number];
        const slot = table.find(a, b);
        t.true(slot >= 0, key);
        t.is(table.rankAt(slot), rank);
        t.is(table.idAt(slot), id);
        t.is(table.rank(a, b), rank);
      }
      const visited = new Map<string, [number, number]>();
      table.forEach((a, b, rank, id) => {
        t.false(visited.has(`${a},${b}`), 'each pair is visited once');
        visited.set(`${a},${b}`, [rank, id]);
      });
      // Slot order is the hash's: compare as sets.
      t.deepEqual([...visited].sort(), [...reference].sort());
      return true;
    }),
    {numRuns: 40, seed: 11},
  );
});

test('a pair that was never added reads as missing, including the reverse of one that was', (t) => {
  const table = new PairTable(4);
  for (let a = 0; a < 100; a++) table.add(a, a + 1, a, 1_000 + a);
  for (let a = 0; a < 100; a++) {
    t.is(table.find(a + 1, a), -1);
    t.is(table.rank(a + 1, a), -1);
  }
  t.is(table.rank(5, 6), 5);
});
