import type {SchemaNode} from '../schema-node.js';

/** Convict validators; each throws a message convict prefixes with the key. */
function positiveInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`must be an integer >= 1, got ${String(value)}`);
}
function nonNegativeInt(value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`must be an integer >= 0, got ${String(value)}`);
}
function rate(value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`must be a number in [0, 1], got ${String(value)}`);
}
function stringList(value: unknown): void {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw new Error(`must be a list of strings, got ${JSON.stringify(value)}`);
}
function specialTokenList(value: unknown): void {
  stringList(value);
  const tokens = value as string[];
  if (tokens.some((token) => token === '')) throw new Error('must not contain an empty token');
  if (new Set(tokens).size !== tokens.length) throw new Error(`must not repeat a token, got ${JSON.stringify(tokens)}`);
}
/** A padding length: null (no padding), "longest" (of the batch), or a positive integer (also as digits). */
function paddingLength(value: unknown): void {
  if (value === null || value === 'longest') return;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new Error(`must be null, "longest" or an integer >= 1, got ${JSON.stringify(value)}`);
  }
}

/**
 * Keys of the `tokenizer:*` commands (configs/tokenization/base.yaml) that every tokenizer backend shares. A
 * backend's own choices (pipeline stages, trainer parameters) are its keys `tokenizer.<model>.*`.
 */
export const tokenizationSection = {
  tokenizer: {
    model: {doc: 'Tokenizer model backend (bpe, wordpiece, …); its own keys: tokenizer.<model>.*.', format: String, default: 'bpe'},
    dataset: {
      inputs: {
        doc: 'Training inputs: files, folders, or data run ids (ULIDs of prepare-data runs, read through the manifest store).',
        format: stringList,
        default: [],
      },
      trainSplit: {doc: 'Split of a data run that trains the tokenizer.', format: String, default: 'train'},
      validationSplit: {doc: 'Split of a data run that tokenizer:validate reads.', format: String, default: 'validation'},
      onInvalidUtf8: {
        doc: 'Corpus text that is not valid UTF-8: error (names file, line and byte offset), replace (U+FFFD) or skip the line. Data runs decode as their prepare-data recorded.',
        format: ['error', 'replace', 'skip'],
        default: 'error',
      },
    },
    cache: {
      dir: {doc: 'Tokenizer cache directory; empty = <cache.dir>/tokenizers.', format: String, default: '', path: true},
    },
    vocabSize: {doc: 'Target vocabulary size, special tokens and alphabet included.', format: positiveInt, default: 30000},
    minFrequency: {doc: 'A pair (BPE) or piece (WordPiece) must occur this often to be merged.', format: positiveInt, default: 2},
    limitAlphabet: {
      doc: 'Keep at most this many initial characters, most frequent first; null = no limit.',
      format: 'int',
      default: null,
      nullable: true,
    },
    specialTokens: {
      doc: 'Special tokens in id order (the first gets id 0); [] = the model default ([PAD] [BOS] [EOS], plus [UNK] for WordPiece).',
      format: specialTokenList,
      default: [],
    },
    encode: {
      addSpecialTokens: {doc: 'Apply the post-processor (BOS/EOS) when encoding.', format: Boolean, default: true},
      output: {doc: 'What tokenizer:encode prints without --json: ids or tokens.', format: ['ids', 'tokens'], default: 'ids'},
      padding: {
        length: {
          doc: 'Pad to this length, or "longest" (of the batch); null = no padding.',
          format: paddingLength,
          default: null,
          nullable: true,
        },
        side: {doc: 'Side padding goes on.', format: ['left', 'right'], default: 'right'},
      },
      truncation: {
        maxLength: {doc: 'Truncate to this many tokens; null = no truncation.', format: 'int', default: null, nullable: true},
        stride: {doc: 'Tokens shared by consecutive overflowing windows (smaller than maxLength).', format: nonNegativeInt, default: 0},
        side: {doc: 'Side truncation cuts.', format: ['left', 'right'], default: 'right'},
      },
    },
    decode: {
      skipSpecialTokens: {doc: 'Drop special tokens when decoding.', format: Boolean, default: true},
    },
    validate: {
      maxUnknownRate: {doc: 'tokenizer:validate fails when more than this fraction of tokens are unknown.', format: rate, default: 0.01},
      maxLines: {doc: 'Lines of the validation text checked at most (0 = all).', format: nonNegativeInt, default: 0},
    },
  },
} satisfies Record<string, SchemaNode>;
