// One whole-process split for bench:data: reads one id per line, splits with the named splitter and writes the
// ids of each split, one per line, as prepare-data's splits/<name>.txt — the work shape of `shuf ids.txt -o out`.
// Usage: node data.split.js <splitter> <ids file> <output file>
import {readFileSync, writeFileSync} from 'node:fs';
import {GroupedSplitter, HashBucketSplitter, SeededSplitter, StratifiedSplitter} from '@codex-ml/plugin-splitters';

const [name, idsFile, output] = process.argv.slice(2);
const splitters = {seeded: SeededSplitter, 'hash-bucket': HashBucketSplitter, stratified: StratifiedSplitter, grouped: GroupedSplitter};
const Splitter = splitters[name];
if (!Splitter || !idsFile || !output) {
  console.error('usage: node data.split.js seeded|hash-bucket|stratified|grouped <ids file> <output file>');
  process.exit(2);
}
const ids = readFileSync(idsFile, 'utf8').split('\n');
if (ids.at(-1) === '') ids.pop();
// Synthetic labels (10 classes) and groups (~50 items each), derived from the position so runs are comparable.
const items =
  name === 'stratified'
    ? ids.map((id, i) => ({id, label: `class-${i % 10}`}))
    : name === 'grouped'
      ? ids.map((id, i) => ({id, group: `group-${Math.floor(i / 50)}`}))
      : ids.map((id) => ({id}));
const {membership} = Splitter.create().split({
  items,
  ratios: [
    {name: 'train', ratio: 0.8},
    {name: 'validation', ratio: 0.1},
    {name: 'test', ratio: 0.1},
  ],
  seed: 42,
});
const bySplit = new Map([
  ['train', []],
  ['validation', []],
  ['test', []],
]);
// forEach rather than for…of: no [id, split] pair allocated per item.
membership.forEach((split, id) => {
  bySplit.get(split).push(id);
});
for (const [split, members] of bySplit) writeFileSync(`${output}.${split}`, `${members.join('\n')}\n`);
