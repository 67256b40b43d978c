import {definePlugin} from '@codex-ml/core';

const here = (file: string) => new URL(`../${file}`, import.meta.url).href;

export default definePlugin((registry) => {
  registry.register('splitter', 'seeded', {
    description: 'Exact largest-remainder sizes, items ranked by a keyed hash of (seed, id); the default',
    module: here('seeded-splitter.js'),
    export: 'SeededSplitter',
  });
  registry.register('splitter', 'hash-bucket', {
    description: 'Split fixed by (seed, id) alone: adding items never moves existing ones; binomial sizes',
    module: here('hash-bucket-splitter.js'),
    export: 'HashBucketSplitter',
  });
  registry.register('splitter', 'stratified', {
    description: 'Exact sizes that keep every label’s proportions (floor or ceiling per label and split)',
    module: here('stratified-splitter.js'),
    export: 'StratifiedSplitter',
  });
  registry.register('splitter', 'grouped', {
    description: 'All items of a group in one split (no leakage); sizes as close to the ratios as groups allow',
    module: here('grouped-splitter.js'),
    export: 'GroupedSplitter',
  });
});
