import {type SplitAssignment, type SplitItem, type SplitRatio, type Splitter, isCodexError} from '@codex-ml/core';
import {splitterConformance} from '@codex-ml/core/testing';
import {
  GroupedSplitter,
  HashBucketSplitter,
  SeededSplitter,
  StratifiedSplitter,
  largestRemainderSizes,
  murmur3,
  rankKey,
  rankOf,
  seededSplit,
} from '@codex-ml/plugin-splitters';
import test from 'ava';
import fc from 'fast-check';

const RUNS = 60;

// Every splitter passes the shared contract suite.
splitterConformance(test, {name: 'splitter seeded', create: () => SeededSplitter.create()});
splitterConformance(test, {name: 'splitter hash-bucket', create: () => HashBucketSplitter.create(), tolerance: 0.03});
splitterConformance(test, {
  name: 'splitter stratified',
  create: () => StratifiedSplitter.create(),
  items: Array.from({length: 1000}, (_, i) => ({id: `doc-${i}`, label: `label-${i % 7}`})),
});
splitterConformance(test, {
  name: 'splitter grouped',
  create: () => GroupedSplitter.create(),
  tolerance: 0.02,
  items: Array.from({length: 1000}, (_, i) => ({id: `doc-${i}`, group: `group-${i % 97}`})),
});

/** Random datasets: unique ids (any Unicode), optional labels from a small alphabet, optional groups. */
const datasetArb = (min: number, max: number) =>
  fc
    .uniqueArray(fc.string({minLength: 1, maxLength: 12, unit: 'grapheme'}), {minLength: min, maxLength: max})
    .chain((ids) =>
      fc.tuple(
        fc.constant(ids),
        fc.array(fc.integer({min: 0, max: 4}), {minLength: ids.length, maxLength: ids.length}),
        fc.array(fc.integer({min: 0, max: 15}), {minLength: ids.length, maxLength: ids.length}),
      ),
    );

/** Ratios: 1 to 4 positive shares normalized to sum to 1. */
const ratiosArb = fc.array(fc.integer({min: 1, max: 20}), {minLength: 1, maxLength: 4}).map((weights): SplitRatio[] => {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight, i) => ({name: `s${i}`, ratio: weight / total}));
});

function toItems(ids: readonly string[], labels: readonly number[], groups: readonly number[]): SplitItem[] {
  return ids.map((id, i) => ({id, label: `L${labels[i]}`, group: `G${groups[i]}`}));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function sizes(assignment: SplitAssignment, ratios: readonly SplitRatio[]): number[] {
  const counts = new Map<string, number>();
  for (const split of assignment.membership.values()) counts.set(split, (counts.get(split) ?? 0) + 1);
  return ratios.map((ratio) => counts.get(ratio.name) ?? 0);
}

function same(a: SplitAssignment, b: SplitAssignment): boolean {
  if (a.membership.size !== b.membership.size) return false;
  for (const [id, split] of a.membership) if (b.membership.get(id) !== split) return false;
  return true;
}

/** Largest-remainder sizes in the splitters' canonical order (split names sorted), mapped back to `ratios` order. */
function expectedSizes(n: number, ratios: readonly SplitRatio[]): number[] {
  const canonical = [...ratios].sort((a, b) => (a.name < b.name ? -1 : 1));
  const canonicalSizes = largestRemainderSizes(
    n,
    canonical.map((ratio) => ratio.ratio),
  );
  return ratios.map((ratio) => canonicalSizes[canonical.indexOf(ratio)] as number);
}

const exactSplitters: ReadonlyArray<[string, () => Splitter]> = [
  ['seeded', () => SeededSplitter.create()],
  ['stratified', () => StratifiedSplitter.create()],
];

for (const [name, create] of exactSplitters) {
  test(`${name}: same seed ⇒ same membership whatever the input order; union is everything, splits disjoint, sizes exact`, (t) => {
    fc.assert(
      fc.property(datasetArb(4, 200), ratiosArb, fc.integer(), fc.integer(), ([ids, labels, groups], ratios, seed, shuffleSeed) => {
        fc.pre(ids.length >= ratios.length);
        const items = toItems(ids, labels, groups);
        const splitter = create();
        const first = splitter.split({items, ratios, seed});
        const again = create().split({items: shuffled(items, shuffleSeed), ratios: [...ratios].reverse(), seed});
        if (!same(first, again)) return false;
        if (first.membership.size !== items.length) return false;
        const names = new Set(ratios.map((ratio) => ratio.name));
        for (const item of items) if (!names.has(first.membership.get(item.id) as string)) return false;
        return JSON.stringify(sizes(first, ratios)) === JSON.stringify(expectedSizes(items.length, ratios));
      }),
      {numRuns: RUNS},
    );
    t.pass();
  });

  test(`${name}: different seeds ⇒ different partitions`, (t) => {
    fc.assert(
      fc.property(datasetArb(40, 200), fc.integer(), ([ids, labels, groups], seed) => {
        const items = toItems(ids, labels, groups);
        const ratios = [
          {name: 'train', ratio: 0.5},
          {name: 'test', ratio: 0.5},
        ];
        return !same(create().split({items, ratios, seed}), create().split({items, ratios, seed: seed + 1}));
      }),
      {numRuns: RUNS},
    );
    t.pass();
  });
}

test('stratified: every (label, split) count is the floor or ceiling of label count × ratio', (t) => {
  fc.assert(
    fc.property(datasetArb(4, 300), ratiosArb, fc.integer(), ([ids, labels, groups], ratios, seed) => {
      fc.pre(ids.length >= ratios.length);
      const items = toItems(ids, labels, groups);
      const {membership} = StratifiedSplitter.create().split({items, ratios, seed});
      const byLabel = new Map<string, SplitItem[]>();
      for (const item of items) byLabel.set(item.label as string, [...(byLabel.get(item.label as string) ?? []), item]);
      for (const members of byLabel.values()) {
        for (const {name, ratio} of ratios) {
          const count = members.filter((item) => membership.get(item.id) === name).length;
          const quota = members.length * ratio;
          if (count < Math.floor(quota + 1e-9) || count > Math.ceil(quota - 1e-9)) return false;
        }
      }
      return true;
    }),
    {numRuns: RUNS},
  );
  t.pass();
});

test('grouped: no group spans two splits; splits with a positive target are non-empty; sizes within the largest group of their targets', (t) => {
  fc.assert(
    fc.property(datasetArb(20, 300), ratiosArb, fc.integer(), ([ids, labels, groups], ratios, seed) => {
      const items = toItems(ids, labels, groups);
      const groupCount = new Set(items.map((item) => item.group)).size;
      fc.pre(groupCount >= ratios.length);
      const assignment = GroupedSplitter.create().split({items, ratios, seed});
      const splitOfGroup = new Map<string, string>();
      for (const item of items) {
        const split = assignment.membership.get(item.id) as string;
        const seen = splitOfGroup.get(item.group as string);
        if (seen !== undefined && seen !== split) return false;
        splitOfGroup.set(item.group as string, split);
      }
      const groupSizes = new Map<string, number>();
      for (const item of items) groupSizes.set(item.group as string, (groupSizes.get(item.group as string) ?? 0) + 1);
      const largest = Math.max(...groupSizes.values());
      const actual = sizes(assignment, ratios);
      const targets = expectedSizes(items.length, ratios);
      return actual.every((size, i) => ((targets[i] as number) === 0 || size > 0) && Math.abs(size - (targets[i] as number)) <= largest);
    }),
    {numRuns: RUNS},
  );
  t.pass();
});

test('grouped: membership is independent of input order and changes with the seed', (t) => {
  const items = Array.from({length: 500}, (_, i) => ({id: `clip-${i}`, group: `speaker-${i % 40}`}));
  const ratios = [
    {name: 'train', ratio: 0.8},
    {name: 'test', ratio: 0.2},
  ];
  const splitter = GroupedSplitter.create();
  const base = splitter.split({items, ratios, seed: 3});
  t.true(same(base, splitter.split({items: shuffled(items, 99), ratios, seed: 3})));
  t.false(same(base, splitter.split({items, ratios, seed: 4})));
});

test('hash-bucket: adding 10% new items never moves an existing item', (t) => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({minLength: 1, maxLength: 16}), {minLength: 30, maxLength: 400}),
      ratiosArb,
      fc.integer(),
      (ids, ratios, seed) => {
        fc.pre(ids.length >= ratios.length);
        const original = ids.map((id) => ({id}));
        const extra = Array.from({length: Math.ceil(ids.length / 10)}, (_, i) => ({id: `\u0000new-${i}`}));
        const splitter = HashBucketSplitter.create();
        const before = splitter.split({items: original, ratios, seed});
        const after = splitter.split({items: shuffled([...original, ...extra], seed), ratios, seed});
        return original.every((item) => before.membership.get(item.id) === after.membership.get(item.id));
      },
    ),
    {numRuns: RUNS},
  );
  t.pass();
});

test('hash-bucket: sizes follow the ratios within the documented binomial tolerance', (t) => {
  const items = Array.from({length: 20_000}, (_, i) => ({id: `item-${i}`}));
  const ratios = [
    {name: 'train', ratio: 0.8},
    {name: 'validation', ratio: 0.1},
    {name: 'test', ratio: 0.1},
  ];
  for (const seed of [1, 2, 3]) {
    const actual = sizes(HashBucketSplitter.create().split({items, ratios, seed}), ratios);
    ratios.forEach(({ratio}, i) => {
      const n = items.length;
      t.true(
        Math.abs((actual[i] as number) - n * ratio) <= 4 * Math.sqrt(n * ratio * (1 - ratio)) + 1,
        `seed ${seed}: ${actual.join('/')}`,
      );
    });
  }
});

test('invalid requests fail with E_SPLIT and a one-line message', (t) => {
  const items = Array.from({length: 10}, (_, i) => ({id: `d${i}`, label: 'x', group: `g${i}`}));
  const cases: ReadonlyArray<[string, () => unknown, RegExp]> = [
    [
      'ratios not summing to 1',
      () =>
        SeededSplitter.create().split({
          items,
          ratios: [
            {name: 'a', ratio: 0.5},
            {name: 'b', ratio: 0.4},
          ],
          seed: 1,
        }),
      /sum to 0\.9, not 1/,
    ],
    [
      'a negative ratio',
      () =>
        SeededSplitter.create().split({
          items,
          ratios: [
            {name: 'a', ratio: 1.5},
            {name: 'b', ratio: -0.5},
          ],
          seed: 1,
        }),
      /ratios must be in \(0, 1\]/,
    ],
    [
      'more splits than items',
      () =>
        SeededSplitter.create().split({
          items: items.slice(0, 2),
          ratios: [
            {name: 'a', ratio: 0.4},
            {name: 'b', ratio: 0.3},
            {name: 'c', ratio: 0.3},
          ],
          seed: 1,
        }),
      /3 splits requested for 2 items/,
    ],
    ['an empty dataset', () => HashBucketSplitter.create().split({items: [], ratios: [{name: 'a', ratio: 1}], seed: 1}), /no items/],
    [
      'duplicate ids',
      () => StratifiedSplitter.create().split({items: [...items, {id: 'd3', label: 'x'}], ratios: [{name: 'a', ratio: 1}], seed: 1}),
      /"d3" appears twice/,
    ],
    [
      'a missing label',
      () => StratifiedSplitter.create().split({items: [{id: 'a'}, {id: 'b'}], ratios: [{name: 'a', ratio: 1}], seed: 1}),
      /needs a label/,
    ],
    [
      'more splits than groups',
      () =>
        GroupedSplitter.create().split({
          items: items.map((item) => ({...item, group: 'one'})),
          ratios: [
            {name: 'a', ratio: 0.5},
            {name: 'b', ratio: 0.5},
          ],
          seed: 1,
        }),
      /2 splits requested for 1 group/,
    ],
    ['a fractional seed', () => SeededSplitter.create().split({items, ratios: [{name: 'a', ratio: 1}], seed: 1.5}), /not an integer/],
  ];
  for (const [what, run, message] of cases) {
    const error = t.throws(run, undefined, what);
    t.true(isCodexError(error) && error.code === 'E_SPLIT', `${what}: ${String(error)}`);
    t.regex(error?.message ?? '', message, what);
    t.false((error?.message ?? '').includes('\n'), what);
  }
});

test('rank rule: murmur3 matches its published vectors and ranks are pinned (platform independence)', (t) => {
  // Published murmur3_x86_32 vectors.
  t.is(murmur3('', 0), 0);
  t.is(murmur3('', 1), 0x514e28b7);
  t.is(murmur3('hello', 0), 0x248bfa47);
  t.is(murmur3('The quick brown fox jumps over the lazy dog', 0), 0x2e4ff723);
  // SplitMix64's first output for seed 42 is 0xBDD732262FEB6E95.
  t.deepEqual(rankKey(42), {k1: 0xbdd73226, k2: 0x2feb6e95});
  // Ranks pinned once: a change here changes every split ever made, and must be a new rule version.
  const key = rankKey(42);
  t.deepEqual(
    ['a', 'doc-0001.txt', 'ca01', 'naïve 東京 🎉'].map((id) => rankOf(id, key)),
    [7683918177656049, 7748156035515506, 7638786560616630, 485817895533905],
  );
  t.notDeepEqual(rankKey(0), rankKey(1));
  t.notDeepEqual(rankKey(-1), rankKey(1));
});

/** Independent murmur3_x86_32 over bytes, to check the string path's inline UTF-8 encoding. */
function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  let h = seed | 0;
  const blocks = bytes.length - (bytes.length % 4);
  const mix = (k0: number) => {
    let k = Math.imul(k0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, 0x1b873593);
  };
  for (let i = 0; i < blocks; i += 4) {
    h ^= mix((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let i = bytes.length - 1; i >= blocks; i--) tail = (tail << 8) | (bytes[i] as number);
  if (bytes.length > blocks) h ^= mix(tail);
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

test('rank rule: ids are hashed as their UTF-8 bytes (any Unicode, lone surrogates as U+FFFD)', (t) => {
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 40}), fc.integer({min: 0, max: 0xffffffff}), (text, seed) => {
      return murmur3(text, seed) === murmur3Bytes(new TextEncoder().encode(text), seed);
    }),
    {numRuns: 300},
  );
  t.is(murmur3('\ud800x', 1), murmur3Bytes(new TextEncoder().encode('\ufffdx'), 1));
});

test('seededSplit: the library form gives named splits sorted by id, identical to the seeded splitter', (t) => {
  const ids = Array.from({length: 100}, (_, i) => `sample-${i}`);
  const {train, validation, test: testSplit} = seededSplit(ids, [0.8, 0.1, 0.1], 42);
  t.is(train?.length, 80);
  t.is(validation?.length, 10);
  t.is(testSplit?.length, 10);
  t.deepEqual(train, [...(train ?? [])].sort());
  const again = seededSplit(shuffled(ids, 5), {train: 0.8, validation: 0.1, test: 0.1}, 42);
  t.deepEqual(again['train'], train);
  const objects = seededSplit(
    ids.map((id) => ({id, label: id.endsWith('1') ? 'odd-one' : 'rest'})),
    [0.5, 0.5],
    1,
    {splitter: 'stratified'},
  );
  t.deepEqual(Object.keys(objects), ['train', 'test']);
  t.is(objects['train']?.filter((item) => item.label === 'odd-one').length, 5);
});

test('largest remainder: ratios summing past 1 still give sizes summing to the total, never above any quota', (t) => {
  const tenths = fc
    .array(fc.integer({min: 0, max: 10}), {minLength: 2, maxLength: 6})
    .filter((parts) => parts.reduce((a, b) => a + b, 0) > 10);
  fc.assert(
    fc.property(fc.integer({min: 0, max: 500}), tenths, (total, parts) => {
      const ratios = parts.map((part) => part / 10);
      const result = largestRemainderSizes(total, ratios);
      t.is(
        result.reduce((a, b) => a + b, 0),
        total,
      );
      result.forEach((size, i) => {
        t.true(size >= 0 && size <= Math.ceil(total * (ratios[i] as number) - 1e-9), `${size} for ratio ${ratios[i]}`);
        if (ratios[i] === 0) t.is(size, 0);
      });
      return true;
    }),
    {numRuns: RUNS},
  );
  // Units are taken back from the smallest fraction, the later index first (the mirror of how they are handed
  // out), cycling, and a size already at zero gives nothing: 3 × (0, 1, 1) floors to (0, 3, 3).
  t.deepEqual(largestRemainderSizes(3, [0, 1, 1]), [0, 2, 1]);
});
