import type {ComponentCodecs} from '../serialization/component-codecs.js';
import type {JsonReader} from '../serialization/json-reader.js';
import {TOKENIZER_LIMITS} from '../serialization/limits.js';
import {BertNormalizer} from './bert-normalizer.js';
import {type BertSpecial, BertPostProcessor} from './bert-post-processor.js';
import {WordPieceDecoder} from './wordpiece-decoder.js';
import {WordPieceModel} from './wordpiece-model.js';

/**
 * Reads a tokenizer.json `model` of type `WordPiece`. Missing optional fields take Hugging Face's defaults
 * (`[UNK]`, `##`, 100); two tokens sharing an id are refused.
 */
export function readWordPieceModel(reader: JsonReader): WordPieceModel {
  reader.field('vocab').size(TOKENIZER_LIMITS.vocabSize, 'vocabulary entries');
  const vocab = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const [token, idReader] of reader.field('vocab').entries()) {
    const id = idReader.id();
    const clash = seen.get(id);
    if (clash !== undefined) idReader.fail(`an id not already used by ${JSON.stringify(clash)}`);
    seen.set(id, token);
    vocab.set(token, id);
  }
  const limit = reader.field('max_input_chars_per_word');
  return new WordPieceModel(vocab, {
    unkToken: reader.field('unk_token').optionalString('[UNK]') as string,
    continuingSubwordPrefix: reader.field('continuing_subword_prefix').optionalString('##') as string,
    maxInputCharsPerWord: limit.isNull() ? 100 : limit.index(2 ** 53),
  });
}

export function readBertNormalizer(reader: JsonReader): BertNormalizer {
  const stripAccents = reader.field('strip_accents');
  return new BertNormalizer({
    cleanText: reader.field('clean_text').optionalBoolean(true),
    handleChineseChars: reader.field('handle_chinese_chars').optionalBoolean(true),
    stripAccents: stripAccents.isNull() ? null : stripAccents.boolean(),
    lowercase: reader.field('lowercase').optionalBoolean(true),
  });
}

export function readWordPieceDecoder(reader: JsonReader): WordPieceDecoder {
  return new WordPieceDecoder(reader.field('prefix').optionalString('##') as string, reader.field('cleanup').optionalBoolean(true));
}

export function readBertPostProcessor(reader: JsonReader): BertPostProcessor {
  const special = (key: string): BertSpecial => {
    const field = reader.field(key);
    const parts = field.array();
    if (parts.length !== 2) field.fail('a [token, id] pair');
    return {token: (parts[0] as JsonReader).string(), id: (parts[1] as JsonReader).id()};
  };
  return new BertPostProcessor(special('sep'), special('cls'));
}

/** The tokenizer.json stages WordPiece adds to the defaults: `extendCodecs(DEFAULT_CODECS, WORDPIECE_CODECS)`. */
export const WORDPIECE_CODECS: Partial<ComponentCodecs> = {
  models: {WordPiece: (reader) => readWordPieceModel(reader)},
  normalizers: {BertNormalizer: (reader) => readBertNormalizer(reader)},
  postProcessors: {BertProcessing: (reader) => readBertPostProcessor(reader)},
  decoders: {WordPiece: (reader) => readWordPieceDecoder(reader)},
};
