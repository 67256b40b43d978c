import {CodexError, ExitCode} from '@codex-ml/core';
import {BertPreTokenizer} from '../pipeline/bert-pre-tokenizer.js';
import {ByteLevelPreTokenizer} from '../pipeline/byte-level-pre-tokenizer.js';
import {LowercaseNormalizer} from '../pipeline/lowercase-normalizer.js';
import type {Normalizer} from '../pipeline/normalizer.js';
import type {PreTokenizer} from '../pipeline/pre-tokenizer.js';
import {SequenceNormalizer} from '../pipeline/sequence-normalizer.js';
import {SequencePreTokenizer} from '../pipeline/sequence-pre-tokenizer.js';
import {StripAccentsNormalizer} from '../pipeline/strip-accents-normalizer.js';
import {UnicodeNormalizer} from '../pipeline/unicode-normalizer.js';
import {WhitespacePreTokenizer, WhitespaceSplitPreTokenizer} from '../pipeline/whitespace-pre-tokenizer.js';

import {NORMALIZER_NAMES, PRE_TOKENIZER_NAMES} from '../tokenizer-config.js';

export {NORMALIZER_NAMES, PRE_TOKENIZER_NAMES};

function names(value: unknown, key: string, allowed: readonly string[], fallback: string): string[] {
  const list = value === undefined || value === null ? [fallback] : Array.isArray(value) ? value : String(value).split(',');
  return list.map((item) => {
    const name = String(item).trim().toLowerCase();
    if (!allowed.includes(name)) {
      throw new CodexError('E_TOKENIZER', `${key}: unknown value "${String(item)}"`, {
        hint: `use one of ${allowed.join(', ')}`,
        exitCode: ExitCode.config,
      });
    }
    return name;
  });
}

/** The normalizer a config value names; undefined for `none`. */
export function normalizerFromConfig(value: unknown): Normalizer | undefined {
  const stages = names(value, 'tokenizer.pipeline.normalizer', NORMALIZER_NAMES, 'none')
    .filter((name) => name !== 'none')
    .map((name): Normalizer => {
      switch (name) {
        case 'lowercase':
          return new LowercaseNormalizer();
        case 'strip-accents':
          return new StripAccentsNormalizer();
        default:
          return new UnicodeNormalizer(name.toUpperCase() as 'NFC' | 'NFD' | 'NFKC' | 'NFKD');
      }
    });
  if (stages.length === 0) return undefined;
  return stages.length === 1 ? stages[0] : new SequenceNormalizer(stages);
}

/** The pre-tokenizer a config value names, byte-level last. */
export function byteLevelPreTokenizerFromConfig(value: unknown, addPrefixSpace: boolean): PreTokenizer {
  const stages = names(value, 'tokenizer.pipeline.preTokenizer', PRE_TOKENIZER_NAMES, 'byte-level')
    .filter((name) => name !== 'byte-level')
    .map((name): PreTokenizer => {
      switch (name) {
        case 'whitespace':
          return new WhitespacePreTokenizer();
        case 'whitespace-split':
          return new WhitespaceSplitPreTokenizer();
        default:
          return new BertPreTokenizer();
      }
    });
  const byteLevel = new ByteLevelPreTokenizer({addPrefixSpace, trimOffsets: false});
  return stages.length === 0 ? byteLevel : new SequencePreTokenizer([...stages, byteLevel]);
}
