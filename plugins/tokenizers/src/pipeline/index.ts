export {type AddedToken, AddedVocabulary, type InputSegment, specialToken} from './added-vocabulary.js';
export {BertPreTokenizer} from './bert-pre-tokenizer.js';
export {BYTE_TO_CHAR, CHAR_TO_BYTE, byteLevelAlphabet, byteLevelToBytes, bytesToByteLevel} from './byte-level-alphabet.js';
export {ByteLevelDecoder} from './byte-level-decoder.js';
export {ByteLevelPostProcessor} from './byte-level-post-processor.js';
export {type ByteLevelOptions, ByteLevelPreTokenizer} from './byte-level-pre-tokenizer.js';
export type {Decoder} from './decoder.js';
export {type EncodingParts, emptyParts, freezeParts, mergeParts, pushToken, sliceParts} from './encoding-parts.js';
export {GPT2_PATTERN, gpt2Matcher} from './gpt2-pattern.js';
export {type JsonObject, type JsonValue, OrderedJsonObject} from './json-value.js';
export {LowercaseNormalizer} from './lowercase-normalizer.js';
export type {Model, ModelToken} from './model.js';
export {NormalizedText} from './normalized-text.js';
export type {Normalizer} from './normalizer.js';
export {type PadSpec, padParts} from './padding.js';
export {type PipelineStages, PipelineTokenizer} from './pipeline-tokenizer.js';
export type {PostProcessor} from './post-processor.js';
export {type PreToken, type PreTokenizer, pieceRange, splitIsolated} from './pre-tokenizer.js';
export {SequenceNormalizer} from './sequence-normalizer.js';
export {SequencePreTokenizer} from './sequence-pre-tokenizer.js';
export {SplitPreTokenizer} from './split-pre-tokenizer.js';
export {StripAccentsNormalizer} from './strip-accents-normalizer.js';
export {type TemplatePiece, TemplatePostProcessor, type TemplateSpecialToken} from './template-post-processor.js';
export {longestFirstLengths, truncatePair, truncateParts} from './truncation.js';
export {type UnicodeForm, UnicodeNormalizer, isUnicodeForm} from './unicode-normalizer.js';
export {WhitespacePreTokenizer, WhitespaceSplitPreTokenizer} from './whitespace-pre-tokenizer.js';
export {wellFormed} from './well-formed.js';
export {ParallelEncoder} from './parallel-encoder.js';
export {forEachGpt2Piece} from './gpt2-splitter.js';
export {rolesBySpelling} from './special-token-roles.js';
export {type Decoder as ChainDecoder, decodeTokens} from './decoder.js';
export * from './decoders.js';
export {PrependNormalizer} from './prepend-normalizer.js';
export {ReplaceNormalizer} from './replace-normalizer.js';
export {StripNormalizer} from './strip-normalizer.js';
export {NmtNormalizer} from './nmt-normalizer.js';
export {PrecompiledNormalizer} from './precompiled-normalizer.js';
export {MetaspacePreTokenizer} from './metaspace-pre-tokenizer.js';
export {
  CharDelimiterSplitPreTokenizer,
  DigitsPreTokenizer,
  PunctuationPreTokenizer,
  UnicodeScriptsPreTokenizer,
} from './char-class-pre-tokenizers.js';
export {RobertaPostProcessor} from './roberta-post-processor.js';
export {SequencePostProcessor} from './sequence-post-processor.js';
export {type SplitBehavior, SPLIT_BEHAVIORS, splitByMatches} from './split-behavior.js';
export {type TextPattern, literalPattern, regexPattern} from './text-pattern.js';
