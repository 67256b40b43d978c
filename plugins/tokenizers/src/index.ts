export * from './pipeline/index.js';
export {type ComponentCodecs, DEFAULT_CODECS, type StageCodec, extendCodecs, readStage} from './serialization/component-codecs.js';
export {JsonReader} from './serialization/json-reader.js';
export {writeJson} from './serialization/json-writer.js';
export {loadTokenizerJson} from './serialization/tokenizer-json-loader.js';
export {TOKENIZER_JSON_VERSION, serializeTokenizer} from './serialization/tokenizer-json-writer.js';
export {readBpeModel} from './serialization/bpe-model-json.js';
export {type BpeOptions, BpeModel, mergedToken} from './bpe/bpe-model.js';
export {PairTable} from './bpe/pair-table.js';
