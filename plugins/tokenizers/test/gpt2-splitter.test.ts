import test from 'ava';
import fc from 'fast-check';
import {forEachGpt2Piece, gpt2Matcher} from '../src/index.js';
import {corpusSentences} from './helpers/bpe-fixture.js';

const viaRegex = (text: string) => text.match(gpt2Matcher()) ?? [];
const viaSplitter = (text: string) => {
  const pieces: string[] = [];
  forEachGpt2Piece(text, (start, end) => pieces.push(text.slice(start, end)));
  return pieces;
};

test('the hand-written GPT-2 matcher yields exactly the regex matches', (t) => {
  const parts = fc.constantFrom(
    ' ',
    '  ',
    '\n',
    '\t',
    '\r\n',
    "'",
    's',
    're',
    'll',
    "'S",
    'a',
    'Z',
    '1',
    '٣',
    'é',
    '東',
    '!',
    '.',
    '\u00a0',
    '\u3000',
    '\u2028',
    '👍',
    '\uD800',
    '\uDC00',
  );
  fc.assert(
    fc.property(fc.array(parts, {maxLength: 30}), (pieces) => {
      const text = pieces.join('');
      return JSON.stringify(viaSplitter(text)) === JSON.stringify(viaRegex(text));
    }),
    {numRuns: 3000, seed: 1},
  );
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 40}), (text) => JSON.stringify(viaSplitter(text)) === JSON.stringify(viaRegex(text))),
    {numRuns: 3000, seed: 2},
  );
  const text = corpusSentences().heldOut.join('\n');
  t.deepEqual(viaSplitter(text), viaRegex(text));
});
