import {CodexError, ExitCode} from '@codex-ml/core';
import {BpeModel} from '../bpe/bpe-model.js';
import type {JsonReader} from './json-reader.js';
import {TOKENIZER_LIMITS} from './limits.js';

/**
 * Reads a tokenizer.json `model` of type `BPE`. Merges may be written as `"a b"` strings (older files) or
 * `["a", "b"]` pairs (current files); both name vocabulary tokens. `dropout` must be null or 0: encoding here is
 * deterministic.
 */
export function readBpeModel(reader: JsonReader): BpeModel {
  const dropout = reader.field('dropout');
  if (!dropout.isNull() && dropout.number() !== 0) dropout.fail('null (BPE dropout is random; codex encodes deterministically)');
  reader.field('vocab').size(TOKENIZER_LIMITS.vocabSize, 'vocabulary entries');
  reader.field('merges').size(TOKENIZER_LIMITS.merges, 'merges');
  const vocab = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const [token, idReader] of reader.field('vocab').entries()) {
    const id = idReader.id();
    const clash = seen.get(id);
    if (clash !== undefined) idReader.fail(`an id not already used by ${JSON.stringify(clash)}`);
    seen.set(id, token);
    vocab.set(token, id);
  }
  const merges = reader
    .field('merges')
    .array()
    .map((merge): [number, number] => {
      let left: string;
      let right: string;
      if (merge.isArray()) {
        const parts = merge.array();
        if (parts.length !== 2) merge.fail('a pair of tokens');
        left = (parts[0] as JsonReader).string();
        right = (parts[1] as JsonReader).string();
      } else {
        const text = merge.string();
        const space = text.indexOf(' ', 1);
        if (space < 0) merge.fail('"left right"');
        left = text.slice(0, space);
        right = text.slice(space + 1);
      }
      const a = vocab.get(left);
      const b = vocab.get(right);
      if (a === undefined || b === undefined) {
        throw new CodexError(
          'E_TOKENIZER',
          `${reader.source}: ${merge.path}: merge token ${JSON.stringify(a === undefined ? left : right)} is not in the vocabulary`,
          {
            hint: 'fix or regenerate the tokenizer file',
            exitCode: ExitCode.input,
          },
        );
      }
      return [a, b];
    });
  const text = (key: string) => reader.field(key).optionalString(undefined);
  // An empty prefix or suffix changes nothing; leaving it out keeps the byte-level fast path (Qwen, GPT-4o files).
  const affix = (key: string) => text(key) || undefined;
  return new BpeModel(vocab, merges, {
    unkToken: text('unk_token'),
    continuingSubwordPrefix: affix('continuing_subword_prefix'),
    endOfWordSuffix: affix('end_of_word_suffix'),
    fuseUnk: reader.field('fuse_unk').optionalBoolean(false),
    byteFallback: reader.field('byte_fallback').optionalBoolean(false),
    ignoreMerges: reader.field('ignore_merges').optionalBoolean(false),
  });
}
