import type {PaddingOptions, TruncationOptions} from '@codex-ml/core';
import type {JsonValue} from '../pipeline/json-value.js';
import type {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {writeJson} from './json-writer.js';

/** tokenizer.json format version written and accepted. */
export const TOKENIZER_JSON_VERSION = '1.0';

/** Each truncation strategy of our options by its tokenizer.json name, written here and read by the loader. */
export const TRUNCATION_STRATEGY_NAMES = {longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond'} as const;

/**
 * The Hugging Face tokenizer.json document of a pipeline: keys in Hugging Face's order, small fields first,
 * the model (with its big vocabulary and merges) last.
 */
export function serializeTokenizer(tokenizer: PipelineTokenizer): string {
  const document: JsonValue = {
    version: TOKENIZER_JSON_VERSION,
    truncation: tokenizer.truncation ? truncationJson(tokenizer.truncation) : null,
    padding: tokenizer.padding ? paddingJson(tokenizer.padding, tokenizer) : null,
    added_tokens: tokenizer.addedVocabulary.toJSON(),
    normalizer: tokenizer.normalizer?.toJSON() ?? null,
    pre_tokenizer: tokenizer.preTokenizer?.toJSON() ?? null,
    post_processor: tokenizer.postProcessor?.toJSON() ?? null,
    decoder: tokenizer.decoder?.toJSON() ?? null,
    model: tokenizer.model.toJSON(),
  };
  return writeJson(document);
}

function truncationJson(truncation: TruncationOptions): JsonValue {
  return {
    direction: truncation.side === 'left' ? 'Left' : 'Right',
    max_length: truncation.maxLength,
    strategy: TRUNCATION_STRATEGY_NAMES[truncation.strategy ?? 'longest_first'],
    stride: truncation.stride ?? 0,
  };
}

function paddingJson(padding: PaddingOptions, tokenizer: PipelineTokenizer): JsonValue {
  const token = padding.padToken ?? tokenizer.specialTokens.pad ?? '[PAD]';
  return {
    strategy: padding.length === 'longest' ? 'BatchLongest' : {Fixed: padding.length},
    direction: padding.side === 'left' ? 'Left' : 'Right',
    pad_to_multiple_of: null,
    pad_id: tokenizer.tokenToId(token) ?? 0,
    pad_type_id: 0,
    pad_token: token,
  };
}
