export * from './pipeline/index.js';
export {type ComponentCodecs, DEFAULT_CODECS, type StageCodec, extendCodecs, readStage} from './serialization/component-codecs.js';
export {JsonReader} from './serialization/json-reader.js';
export {writeJson} from './serialization/json-writer.js';
export {loadTokenizerJson} from './serialization/tokenizer-json-loader.js';
export {TOKENIZER_JSON_VERSION, serializeTokenizer} from './serialization/tokenizer-json-writer.js';
export {readBpeModel} from './serialization/bpe-model-json.js';
export {type BpeOptions, BpeModel, mergedToken} from './bpe/bpe-model.js';
export {PairTable} from './bpe/pair-table.js';
export {BpeTrainer, type BpeTrainerOptions, type BpeTrainingResult} from './bpe/bpe-trainer.js';
export {BpeTokenizerFactory, DEFAULT_BPE_SPECIAL_TOKENS, specialRoles} from './bpe/bpe-tokenizer-factory.js';
export {WordCounter} from './bpe/word-counter.js';
export {MergeQueue} from './bpe/merge-queue.js';
export {NORMALIZER_NAMES, PRE_TOKENIZER_NAMES, byteLevelPreTokenizerFromConfig, normalizerFromConfig} from './bpe/bpe-pipeline-config.js';
export {
  TIKTOKEN_ENCODINGS,
  type TiktokenEncodingName,
  type TiktokenRanks,
  loadTiktokenEncoding,
  tiktokenEncodingForModel,
  tiktokenPipeline,
} from './tiktoken/tiktoken-encoding.js';
export * from './wordpiece/index.js';
export {PieceCache} from './bpe/piece-cache.js';
export {UnigramModel} from './unigram/unigram-model.js';
export {UnigramTrainer, type UnigramTrainerOptions, type UnigramTrainingResult, digamma} from './unigram/unigram-trainer.js';
export {UNIGRAM_SPECIAL_TOKENS, UnigramTokenizerFactory} from './unigram/unigram-tokenizer-factory.js';
export {WordLevelModel} from './wordlevel/wordlevel-model.js';
export {WordLevelTokenizerFactory} from './wordlevel/wordlevel-tokenizer-factory.js';
export {OnigurumaPattern} from './regex/oniguruma-pattern.js';
export {PreTokenCounter} from './pipeline/pre-token-counter.js';
export {TOKENIZER_LIMITS} from './serialization/limits.js';
