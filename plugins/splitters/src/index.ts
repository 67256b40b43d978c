export {GroupedSplitter} from './grouped-splitter.js';
export {HashBucketSplitter} from './hash-bucket-splitter.js';
export {SeededSplitter} from './seeded-splitter.js';
export {StratifiedSplitter} from './stratified-splitter.js';
export {type RatiosInput, type SeededSplitOptions, type SplitterName, seededSplit} from './seeded-split.js';
export {RANK_RULE, type RankKey, murmur3, rankKey, rankOf, ranksOf} from './split-rank.js';
export {largestRemainderSizes} from './largest-remainder.js';
export {controlledRounding} from './controlled-rounding.js';
