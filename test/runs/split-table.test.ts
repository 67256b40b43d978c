import test from 'ava';
import {type Manifest, newRunId, runIdTime} from '@codex-ml/core';
import {splitTableOf} from '../../src/services/runs/report/split-table.js';

const manifest = (fields: Record<string, unknown>): Manifest => {
  const runId = newRunId();
  return {schemaVersion: 1, kind: 'data', runId, parents: [], createdAt: runIdTime(runId).toISOString(), ...fields};
};

test('split table from the split list prepare-data writes: categories by split, totals and bytes', (t) => {
  const table = splitTableOf(
    manifest({
      splits: [
        {name: 'test', ratio: 0.1, items: 3, bytes: 30, labels: {news: 1, fiction: 2}},
        {name: 'train', ratio: 0.8, items: 24, bytes: 240, labels: {news: 8, fiction: 16}},
        {name: 'validation', ratio: 0.1, items: 3, bytes: 30, labels: {news: 1, fiction: 2}},
      ],
    }),
  );
  t.deepEqual(table?.splits, ['train', 'validation', 'test'], 'conventional order, not file order');
  t.deepEqual(table?.categories, ['fiction', 'news']);
  t.deepEqual(table?.totals, {train: 24, validation: 3, test: 3});
  t.deepEqual(table?.bytes, {train: 240, validation: 30, test: 30});
});

test('split table from per-item membership, from split maps, and none without split information', (t) => {
  const items = [
    {id: 'a', split: 'train', label: 'news'},
    {id: 'b', split: 'train', label: 'news'},
    {id: 'c', split: 'val', label: 'lore'},
  ];
  t.deepEqual(splitTableOf(manifest({items}))?.counts, {news: {train: 2}, lore: {val: 1}});
  t.deepEqual(splitTableOf(manifest({counts: {train: 8, test: 2}}))?.totals, {train: 8, test: 2});
  const map = splitTableOf(manifest({splits: {train: {items: 9, bytes: 90, labels: {x: 4, y: 5}}}}));
  t.deepEqual(map?.counts, {x: {train: 4}, y: {train: 5}});
  t.deepEqual(map?.bytes, {train: 90});
  t.is(splitTableOf(manifest({vocabSize: 512})), undefined);
});
