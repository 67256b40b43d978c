import {CodexError, ExitCode} from '@codex-ml/core';
import type {PaddingOptions, TruncationOptions} from '@codex-ml/core';
import type {AddedToken} from '../pipeline/added-vocabulary.js';
import {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {type ComponentCodecs, DEFAULT_CODECS, readStage} from './component-codecs.js';
import {JsonReader} from './json-reader.js';
import {TOKENIZER_LIMITS} from './limits.js';
import {TOKENIZER_JSON_VERSION, TRUNCATION_STRATEGY_NAMES} from './tokenizer-json-writer.js';

/**
 * Loads a Hugging Face tokenizer.json document. Strict: the version must be "1.0", every known field must have
 * its type, `__proto__` keys are refused, and unsupported stage types are named — all as one `E_TOKENIZER` line
 * naming `source` (a file path or a description).
 */
export function loadTokenizerJson(text: string, source: string, codecs: ComponentCodecs = DEFAULT_CODECS): PipelineTokenizer {
  const root = JsonReader.parse(text, source);
  if (!root.isObject()) root.fail('a tokenizer.json object');
  const version = root.field('version');
  if (version.value !== TOKENIZER_JSON_VERSION)
    version.fail(`version "${TOKENIZER_JSON_VERSION}"`, 'this file was written by an unsupported tokenizer version');
  const optional = <T>(key: string, read: (reader: JsonReader) => T): T | undefined => {
    const field = root.field(key);
    return field.isNull() ? undefined : read(field);
  };
  const model = readStage(root.field('model'), codecs.models, codecs, 'model');
  if (root.has('added_tokens')) root.field('added_tokens').size(TOKENIZER_LIMITS.addedTokens, 'added tokens');
  const addedTokens = root.has('added_tokens') ? root.field('added_tokens').array().map(readAddedToken) : [];
  return new PipelineTokenizer({
    model,
    normalizer: optional('normalizer', (reader) => readStage(reader, codecs.normalizers, codecs, 'normalizer')),
    preTokenizer: optional('pre_tokenizer', (reader) => readStage(reader, codecs.preTokenizers, codecs, 'pre-tokenizer')),
    postProcessor: optional('post_processor', (reader) => readStage(reader, codecs.postProcessors, codecs, 'post-processor')),
    decoder: optional('decoder', (reader) => readStage(reader, codecs.decoders, codecs, 'decoder')),
    addedTokens,
    padding: optional('padding', readPadding),
    truncation: optional('truncation', readTruncation),
  });
}

function readAddedToken(reader: JsonReader): AddedToken {
  return {
    id: reader.field('id').id(),
    content: reader.field('content').string(),
    singleWord: reader.field('single_word').optionalBoolean(false),
    lstrip: reader.field('lstrip').optionalBoolean(false),
    rstrip: reader.field('rstrip').optionalBoolean(false),
    normalized: reader.field('normalized').optionalBoolean(false),
    special: reader.field('special').optionalBoolean(false),
  };
}

function readPadding(reader: JsonReader): PaddingOptions {
  const strategy = reader.field('strategy');
  let length: number | 'longest';
  if (strategy.value === 'BatchLongest') length = 'longest';
  else length = strategy.field('Fixed').index();
  const direction = reader.field('direction').optionalString('Right');
  if (direction !== 'Left' && direction !== 'Right') reader.field('direction').fail('"Left" or "Right"');
  return {length, side: direction === 'Left' ? 'left' : 'right', padToken: reader.field('pad_token').string()};
}

function readTruncation(reader: JsonReader): TruncationOptions {
  const direction = reader.field('direction').optionalString('Right');
  if (direction !== 'Left' && direction !== 'Right') reader.field('direction').fail('"Left" or "Right"');
  const name = reader.field('strategy').optionalString('LongestFirst') ?? 'LongestFirst';
  const strategies = Object.keys(TRUNCATION_STRATEGY_NAMES) as (keyof typeof TRUNCATION_STRATEGY_NAMES)[];
  const strategy = strategies.find((ours) => TRUNCATION_STRATEGY_NAMES[ours] === name);
  if (strategy === undefined) reader.field('strategy').fail('"LongestFirst", "OnlyFirst" or "OnlySecond"');
  return {
    maxLength: reader.field('max_length').index(),
    stride: reader.field('stride').isNull() ? 0 : reader.field('stride').index(),
    side: direction === 'Left' ? 'left' : 'right',
    strategy,
  };
}

/** `loadTokenizerJson`, refusing in one line a file whose model is not `modelType` (the backend that was chosen). */
export function loadTokenizerJsonOfModel(
  text: string,
  source: string,
  modelType: string,
  codecs: ComponentCodecs = DEFAULT_CODECS,
): PipelineTokenizer {
  const tokenizer = loadTokenizerJson(text, source, codecs);
  if (tokenizer.modelType !== modelType) {
    throw new CodexError('E_TOKENIZER', `${source}: model type "${tokenizer.modelType}" is not ${modelType}`, {
      hint: 'choose the backend matching the file (tokenizer.model)',
      exitCode: ExitCode.input,
    });
  }
  return tokenizer;
}
