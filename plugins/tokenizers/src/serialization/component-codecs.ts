import {CodexError, ExitCode} from '@codex-ml/core';
import {BertPreTokenizer} from '../pipeline/bert-pre-tokenizer.js';
import {ByteLevelDecoder} from '../pipeline/byte-level-decoder.js';
import {ByteLevelPostProcessor} from '../pipeline/byte-level-post-processor.js';
import {ByteLevelPreTokenizer} from '../pipeline/byte-level-pre-tokenizer.js';
import type {Decoder} from '../pipeline/decoder.js';
import {LowercaseNormalizer} from '../pipeline/lowercase-normalizer.js';
import type {Model} from '../pipeline/model.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import type {PostProcessor} from '../pipeline/post-processor.js';
import type {PreTokenizer} from '../pipeline/pre-tokenizer.js';
import {SequenceNormalizer} from '../pipeline/sequence-normalizer.js';
import {SequencePreTokenizer} from '../pipeline/sequence-pre-tokenizer.js';
import {SplitPreTokenizer} from '../pipeline/split-pre-tokenizer.js';
import {StripAccentsNormalizer} from '../pipeline/strip-accents-normalizer.js';
import {type TemplatePiece, TemplatePostProcessor, type TemplateSpecialToken} from '../pipeline/template-post-processor.js';
import {UnicodeNormalizer} from '../pipeline/unicode-normalizer.js';
import {WhitespacePreTokenizer, WhitespaceSplitPreTokenizer} from '../pipeline/whitespace-pre-tokenizer.js';
import {readBpeModel} from './bpe-model-json.js';
import type {JsonReader} from './json-reader.js';

/** Builds a stage from its tokenizer.json object; `codecs` lets composite stages read their children. */
export type StageCodec<T> = (reader: JsonReader, codecs: ComponentCodecs) => T;

/**
 * The tokenizer.json `type` tags a loader understands, per stage. Model plugins extend the defaults with
 * `extendCodecs` (e.g. `{models: {WordPiece: …}}`) instead of editing them.
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
  },
  normalizers: {
    NFC: () => new UnicodeNormalizer('NFC'),
    NFD: () => new UnicodeNormalizer('NFD'),
    NFKC: () => new UnicodeNormalizer('NFKC'),
    NFKD: () => new UnicodeNormalizer('NFKD'),
    Lowercase: () => new LowercaseNormalizer(),
    StripAccents: () => new StripAccentsNormalizer(),
    Sequence: (reader, codecs) =>
      new SequenceNormalizer(
        reader
          .field('normalizers')
          .array()
          .map((child) => readStage(child, codecs.normalizers, codecs, 'normalizer')),
      ),
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
    Split: (reader) => readSplit(reader),
    Sequence: (reader, codecs) =>
      new SequencePreTokenizer(
        reader
          .field('pretokenizers')
          .array()
          .map((child) => readStage(child, codecs.preTokenizers, codecs, 'pre-tokenizer')),
      ),
  },
  postProcessors: {
    ByteLevel: (reader) =>
      new ByteLevelPostProcessor({
        addPrefixSpace: reader.field('add_prefix_space').optionalBoolean(true),
        trimOffsets: reader.field('trim_offsets').optionalBoolean(true),
        useRegex: reader.field('use_regex').optionalBoolean(true),
      }),
    TemplateProcessing: (reader) => readTemplate(reader),
  },
  decoders: {
    ByteLevel: () => new ByteLevelDecoder(),
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

function readSplit(reader: JsonReader): SplitPreTokenizer {
  const pattern = reader.field('pattern');
  const behavior = reader.field('behavior').string();
  if (behavior !== 'Isolated' || reader.field('invert').optionalBoolean(false)) {
    reader.field('behavior').fail('behavior "Isolated" with invert false (the only Split supported)');
  }
  if (pattern.has('Regex')) return new SplitPreTokenizer(pattern.field('Regex').string());
  const literal = pattern.field('String').string();
  return new SplitPreTokenizer(literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
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
  const specials: TemplateSpecialToken[] = reader
    .field('special_tokens')
    .entries()
    .map(([name, entry]) => ({
      name,
      ids: entry
        .field('ids')
        .array()
        .map((id) => id.index()),
      tokens: entry
        .field('tokens')
        .array()
        .map((token) => token.string()),
    }));
  return new TemplatePostProcessor(pieces(reader.field('single')), pieces(reader.field('pair')), specials);
}
