import test from 'ava';
import {BpeTrainer} from '../src/index.js';

const train = (words: [string, number][], options: Partial<ConstructorParameters<typeof BpeTrainer>[0]> = {}) =>
  new BpeTrainer({vocabSize: 100, minFrequency: 0, specialTokens: ['[PAD]'], ...options}).train(new Map(words));

test('merges follow pair counts weighted by word frequency, updated incrementally', (t) => {
  // Pairs: (a,b) 5+3 = 8, (b,c) 3+2 = 5. After a+b: (ab,c) 3, (b,c) 2.
  const {vocab, merges} = train(
    [
      ['ab', 5],
      ['abc', 3],
      ['bc', 2],
    ],
    {vocabSize: 7},
  );
  t.deepEqual(
    [...vocab.entries()],
    [
      ['[PAD]', 0],
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['ab', 4],
      ['abc', 5],
      ['bc', 6],
    ],
  );
  t.deepEqual(merges, [
    [1, 2],
    [4, 3],
    [2, 3],
  ]);
});

test('min frequency stops merging; equal counts merge the smaller pair of ids first', (t) => {
  const words: [string, number][] = [
    ['ab', 5],
    ['abc', 3],
    ['bc', 2],
  ];
  t.deepEqual(train(words, {minFrequency: 3}).merges, [
    [1, 2],
    [4, 3],
  ]);
  const tie = train(
    [
      ['cd', 2],
      ['ab', 2],
    ],
    {vocabSize: 6},
  );
  t.deepEqual(tie.merges, [[1, 2]]);
  t.is(tie.vocab.get('ab'), 5);
});

test('the alphabet is limited to the most frequent characters, ties by code point, the initial alphabet first', (t) => {
  const {vocab} = train(
    [
      ['aab', 1],
      ['c', 5],
      ['d', 2],
    ],
    {limitAlphabet: 2, vocabSize: 3},
  );
  // Frequencies: c 5, a 2, d 2, b 1 → c, then a before d on the tie.
  t.deepEqual([...vocab.keys()], ['[PAD]', 'a', 'c']);
  const withInitial = train([['aab', 1]], {limitAlphabet: 2, initialAlphabet: ['z'], vocabSize: 3});
  t.deepEqual([...withInitial.vocab.keys()], ['[PAD]', 'a', 'z']);
});

test('the result does not depend on the order words arrive in', (t) => {
  const words: [string, number][] = [];
  for (let i = 0; i < 300; i++) words.push([`w${(i * 7919) % 1000}x${i % 13}`, 1 + (i % 5)]);
  const forward = train(words, {vocabSize: 80});
  const backward = train([...words].reverse(), {vocabSize: 80});
  t.deepEqual(backward, forward);
});

test('bad sizes are refused with one line', (t) => {
  t.throws(() => new BpeTrainer({vocabSize: 0, minFrequency: 0, specialTokens: []}), {message: /vocab size 0 must be a positive integer/});
  t.throws(() => new BpeTrainer({vocabSize: 10, minFrequency: -1, specialTokens: []}), {message: /min frequency -1/});
  t.throws(() => train([['ab', 1]], {specialTokens: ['x', 'x']}), {message: /special token "x" is listed twice/});
});
