import {CodexError, ExitCode} from '@codex-ml/core';
import {BertPreTokenizer} from '../pipeline/bert-pre-tokenizer.js';
import {ByteLevelDecoder} from '../pipeline/byte-level-decoder.js';
import {ByteLevelPostProcessor} from '../pipeline/byte-level-post-processor.js';
import {ByteLevelPreTokenizer} from '../pipeline/byte-level-pre-tokenizer.js';
import {
  CharDelimiterSplitPreTokenizer,
  DigitsPreTokenizer,
  PunctuationPreTokenizer,
  UnicodeScriptsPreTokenizer,
} from '../pipeline/char-class-pre-tokenizers.js';
import type {Decoder} from '../pipeline/decoder.js';
import {
  BpeSuffixDecoder,
  ByteFallbackDecoder,
  CtcDecoder,
  FuseDecoder,
  MetaspaceDecoder,
  ReplaceDecoder,
  SequenceDecoder,
  StripDecoder,
} from '../pipeline/decoders.js';
import {LowercaseNormalizer} from '../pipeline/lowercase-normalizer.js';
import {PREPEND_SCHEMES, type PrependScheme} from '../pipeline/metaspace.js';
import {MetaspacePreTokenizer} from '../pipeline/metaspace-pre-tokenizer.js';
import type {Model} from '../pipeline/model.js';
import {NmtNormalizer} from '../pipeline/nmt-normalizer.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import type {PostProcessor} from '../pipeline/post-processor.js';
import {PrecompiledNormalizer} from '../pipeline/precompiled-normalizer.js';
import type {PreTokenizer} from '../pipeline/pre-tokenizer.js';
import {PrependNormalizer} from '../pipeline/prepend-normalizer.js';
import {ReplaceNormalizer} from '../pipeline/replace-normalizer.js';
import {RobertaPostProcessor} from '../pipeline/roberta-post-processor.js';
import {SequenceNormalizer} from '../pipeline/sequence-normalizer.js';
import {SequencePostProcessor} from '../pipeline/sequence-post-processor.js';
import {SequencePreTokenizer} from '../pipeline/sequence-pre-tokenizer.js';
import {SPLIT_BEHAVIORS, type SplitBehavior} from '../pipeline/split-behavior.js';
import {SplitPreTokenizer} from '../pipeline/split-pre-tokenizer.js';
import {StripAccentsNormalizer} from '../pipeline/strip-accents-normalizer.js';
import {StripNormalizer} from '../pipeline/strip-normalizer.js';
import {type TemplatePiece, TemplatePostProcessor, type TemplateSpecialToken} from '../pipeline/template-post-processor.js';
import {type TextPattern, literalPattern, regexPattern} from '../pipeline/text-pattern.js';
import {UnicodeNormalizer} from '../pipeline/unicode-normalizer.js';
import {WhitespacePreTokenizer, WhitespaceSplitPreTokenizer} from '../pipeline/whitespace-pre-tokenizer.js';
import {UnigramModel} from '../unigram/unigram-model.js';
import {readBertNormalizer, readBertPostProcessor, readWordPieceDecoder, readWordPieceModel} from '../wordpiece/wordpiece-codecs.js';
import {WordLevelModel} from '../wordlevel/wordlevel-model.js';
import {readBpeModel} from './bpe-model-json.js';
import type {JsonReader} from './json-reader.js';
import {TOKENIZER_LIMITS} from './limits.js';

/** Builds a stage from its tokenizer.json object; `codecs` lets composite stages read their children. */
export type StageCodec<T> = (reader: JsonReader, codecs: ComponentCodecs) => T;

/**
 * The tokenizer.json `type` tags a loader understands, per stage, in Hugging Face tokenizers' semantics. A
 * plugin adds its own with `extendCodecs` (e.g. `{models: {MyModel: …}}`) instead of editing these.
 */
export interface ComponentCodecs {
  readonly models: Readonly<Record<string, StageCodec<Model>>>;
  readonly normalizers: Readonly<Record<string, StageCodec<Normalizer>>>;
  readonly preTokenizers: Readonly<Record<string, StageCodec<PreTokenizer>>>;
  readonly postProcessors: Readonly<Record<string, StageCodec<PostProcessor>>>;
  readonly decoders: Readonly<Record<string, StageCodec<Decoder>>>;
}

export const DEFAULT_CODECS: ComponentCodecs = {
  models: {
    BPE: (reader) => readBpeModel(reader),
    WordPiece: (reader) => readWordPieceModel(reader),
    WordLevel: (reader) => readWordLevelModel(reader),
    Unigram: (reader) => readUnigramModel(reader),
  },
  normalizers: {
    NFC: () => new UnicodeNormalizer('NFC'),
    NFD: () => new UnicodeNormalizer('NFD'),
    NFKC: () => new UnicodeNormalizer('NFKC'),
    NFKD: () => new UnicodeNormalizer('NFKD'),
    Lowercase: () => new LowercaseNormalizer(),
    StripAccents: () => new StripAccentsNormalizer(),
    Strip: (reader) =>
      new StripNormalizer(reader.field('strip_left').optionalBoolean(true), reader.field('strip_right').optionalBoolean(true)),
    Prepend: (reader) => new PrependNormalizer(reader.field('prepend').string()),
    Replace: (reader) => new ReplaceNormalizer(readPattern(reader), reader.field('content').string()),
    Nmt: () => new NmtNormalizer(),
    Precompiled: (reader) => PrecompiledNormalizer.fromBase64(reader.field('precompiled_charsmap').optionalString('') ?? '', reader),
    BertNormalizer: (reader) => readBertNormalizer(reader),
    Sequence: (reader, codecs) => new SequenceNormalizer(readChildren(reader, 'normalizers', codecs.normalizers, codecs, 'normalizer')),
  },
  preTokenizers: {
    ByteLevel: (reader) =>
      new ByteLevelPreTokenizer({
        addPrefixSpace: reader.field('add_prefix_space').optionalBoolean(true),
        trimOffsets: reader.field('trim_offsets').optionalBoolean(true),
        useRegex: reader.field('use_regex').optionalBoolean(true),
      }),
    Whitespace: () => new WhitespacePreTokenizer(),
    WhitespaceSplit: () => new WhitespaceSplitPreTokenizer(),
    BertPreTokenizer: () => new BertPreTokenizer(),
    Split: (reader) =>
      new SplitPreTokenizer(readPattern(reader), readBehavior(reader, 'Isolated'), reader.field('invert').optionalBoolean(false)),
    Metaspace: (reader) => {
      const [replacement, scheme, split] = readMetaspace(reader);
      return new MetaspacePreTokenizer(replacement, scheme, split);
    },
    Digits: (reader) => new DigitsPreTokenizer(reader.field('individual_digits').optionalBoolean(false)),
    Punctuation: (reader) => new PunctuationPreTokenizer(readBehavior(reader, 'Isolated')),
    UnicodeScripts: () => new UnicodeScriptsPreTokenizer(),
    CharDelimiterSplit: (reader) => new CharDelimiterSplitPreTokenizer(readChar(reader.field('delimiter'))),
    Sequence: (reader, codecs) =>
      new SequencePreTokenizer(readChildren(reader, 'pretokenizers', codecs.preTokenizers, codecs, 'pre-tokenizer')),
  },
  postProcessors: {
    ByteLevel: (reader) =>
      new ByteLevelPostProcessor({
        addPrefixSpace: reader.field('add_prefix_space').optionalBoolean(true),
        trimOffsets: reader.field('trim_offsets').optionalBoolean(true),
        useRegex: reader.field('use_regex').optionalBoolean(true),
      }),
    TemplateProcessing: (reader) => readTemplate(reader),
    BertProcessing: (reader) => readBertPostProcessor(reader),
    RobertaProcessing: (reader) => {
      const bert = readBertPostProcessor(reader);
      return new RobertaPostProcessor(
        bert.sep,
        bert.cls,
        reader.field('trim_offsets').optionalBoolean(true),
        reader.field('add_prefix_space').optionalBoolean(true),
      );
    },
    Sequence: (reader, codecs) =>
      new SequencePostProcessor(readChildren(reader, 'processors', codecs.postProcessors, codecs, 'post-processor')),
  },
  decoders: {
    ByteLevel: () => new ByteLevelDecoder(),
    ByteFallback: () => new ByteFallbackDecoder(),
    Fuse: () => new FuseDecoder(),
    Strip: (reader) =>
      new StripDecoder(readChar(reader.field('content')), reader.field('start').index(1 << 20), reader.field('stop').index(1 << 20)),
    Replace: (reader) => new ReplaceDecoder(readPattern(reader), reader.field('content').string()),
    Metaspace: (reader) => {
      const [replacement, scheme, split] = readMetaspace(reader);
      return new MetaspaceDecoder(replacement, scheme, split);
    },
    WordPiece: (reader) => readWordPieceDecoder(reader),
    BPEDecoder: (reader) => new BpeSuffixDecoder(reader.field('suffix').optionalString('</w>')),
    CTC: (reader) =>
      new CtcDecoder(
        reader.field('pad_token').optionalString('<pad>'),
        reader.field('word_delimiter_token').optionalString('|'),
        reader.field('cleanup').optionalBoolean(true),
      ),
    Sequence: (reader, codecs) => new SequenceDecoder(readChildren(reader, 'decoders', codecs.decoders, codecs, 'decoder')),
  },
};

/** `base` plus `extra`, stage by stage; a tag in `extra` replaces the same tag in `base`. */
export function extendCodecs(base: ComponentCodecs, extra: Partial<ComponentCodecs>): ComponentCodecs {
  return {
    models: {...base.models, ...extra.models},
    normalizers: {...base.normalizers, ...extra.normalizers},
    preTokenizers: {...base.preTokenizers, ...extra.preTokenizers},
    postProcessors: {...base.postProcessors, ...extra.postProcessors},
    decoders: {...base.decoders, ...extra.decoders},
  };
}

/** Reads a stage object by its `type` tag, failing with the list of supported tags. */
export function readStage<T>(reader: JsonReader, table: Readonly<Record<string, StageCodec<T>>>, codecs: ComponentCodecs, what: string): T {
  const type = reader.field('type').string();
  const codec = Object.hasOwn(table, type) ? table[type] : undefined;
  if (codec === undefined) {
    throw new CodexError('E_TOKENIZER', `${reader.source}: ${reader.path}.type: unsupported ${what} "${type}"`, {
      hint: `supported: ${Object.keys(table).sort().join(', ') || '(none)'}`,
      exitCode: ExitCode.input,
    });
  }
  return codec(reader, codecs);
}

function readChildren<T>(
  reader: JsonReader,
  key: string,
  table: Readonly<Record<string, StageCodec<T>>>,
  codecs: ComponentCodecs,
  what: string,
): T[] {
  if (reader.path.split('.').length > TOKENIZER_LIMITS.depth) reader.fail(`at most ${TOKENIZER_LIMITS.depth} nested Sequence stages`);
  const children = reader.field(key);
  children.size(1024, `${what}s in one Sequence`);
  return children.array().map((child) => readStage(child, table, codecs, what));
}

/** `pattern: {"String": …} | {"Regex": …}`; regexes are translated from Oniguruma and checked once here. */
function readPattern(reader: JsonReader): TextPattern {
  const pattern = reader.field('pattern');
  if (pattern.has('Regex')) {
    const source = pattern.field('Regex').string();
    if (source.length > TOKENIZER_LIMITS.patternLength)
      pattern.field('Regex').fail(`a pattern of at most ${TOKENIZER_LIMITS.patternLength} characters`);
    return regexPattern(source, `${reader.source}: ${pattern.path}.Regex`);
  }
  return literalPattern(pattern.field('String').string());
}

function readBehavior(reader: JsonReader, fallback: SplitBehavior): SplitBehavior {
  const field = reader.field('behavior');
  const value = field.optionalString(fallback) as string;
  if (!(SPLIT_BEHAVIORS as readonly string[]).includes(value)) field.fail(`one of ${SPLIT_BEHAVIORS.join(', ')}`);
  return value as SplitBehavior;
}

function readChar(reader: JsonReader): string {
  const value = reader.string();
  if ([...value].length !== 1) reader.fail('one character');
  return value;
}

/** Metaspace fields, current (`prepend_scheme`, `split`) or older (`add_prefix_space`, `str_rep`). */
function readMetaspace(reader: JsonReader): [string, PrependScheme, boolean] {
  const replacement = readChar(reader.field('replacement'));
  const schemeField = reader.field('prepend_scheme');
  let scheme: PrependScheme;
  if (schemeField.isNull()) scheme = reader.field('add_prefix_space').optionalBoolean(true) ? 'always' : 'never';
  else {
    const value = schemeField.string();
    if (!(PREPEND_SCHEMES as readonly string[]).includes(value)) schemeField.fail(`one of ${PREPEND_SCHEMES.join(', ')}`);
    scheme = value as PrependScheme;
  }
  return [replacement, scheme, reader.field('split').optionalBoolean(true)];
}

function readWordLevelModel(reader: JsonReader): WordLevelModel {
  reader.field('vocab').size(TOKENIZER_LIMITS.vocabSize, 'vocabulary entries');
  const vocab = new Map<string, number>();
  const seen = new Set<number>();
  for (const [token, idReader] of reader.field('vocab').entries()) {
    const id = idReader.id();
    if (seen.has(id)) idReader.fail('an id not already used');
    seen.add(id);
    vocab.set(token, id);
  }
  return new WordLevelModel(vocab, reader.field('unk_token').optionalString('<unk>'));
}

function readUnigramModel(reader: JsonReader): UnigramModel {
  const vocab = reader.field('vocab');
  vocab.size(TOKENIZER_LIMITS.vocabSize, 'vocabulary entries');
  const pieces = vocab.array().map((entry): [string, number] => {
    const pair = entry.array();
    if (pair.length !== 2) entry.fail('a [piece, score] pair');
    return [(pair[0] as JsonReader).string(), (pair[1] as JsonReader).number()];
  });
  const unk = reader.field('unk_id');
  return new UnigramModel(
    pieces,
    unk.isNull() ? undefined : unk.index(pieces.length),
    reader.field('byte_fallback').optionalBoolean(false),
  );
}

function readTemplate(reader: JsonReader): TemplatePostProcessor {
  const pieces = (field: JsonReader): TemplatePiece[] =>
    field.array().map((item) => {
      if (item.has('SpecialToken')) {
        const special = item.field('SpecialToken');
        return {kind: 'special', name: special.field('id').string(), typeId: special.field('type_id').index()};
      }
      const sequence = item.field('Sequence');
      const name = sequence.field('id').string();
      if (name !== 'A' && name !== 'B') sequence.field('id').fail('"A" or "B"');
      return {kind: 'sequence', name: name as 'A' | 'B', typeId: sequence.field('type_id').index()};
    });
  reader.field('special_tokens').size(TOKENIZER_LIMITS.addedTokens, 'template special tokens');
  const specials: TemplateSpecialToken[] = reader
    .field('special_tokens')
    .entries()
    .map(([name, entry]) => ({
      name,
      ids: entry
        .field('ids')
        .array()
        .map((id) => id.id()),
      tokens: entry
        .field('tokens')
        .array()
        .map((token) => token.string()),
    }));
  return new TemplatePostProcessor(pieces(reader.field('single')), pieces(reader.field('pair')), specials);
}
