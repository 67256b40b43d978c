import type {SchemaNode} from '../schema-node.js';

/** Normalizer stages the pipeline knows, composable in the order given. */
export const NORMALIZER_STAGES = ['nfc', 'nfd', 'nfkc', 'nfkd', 'lowercase', 'strip-accents'] as const;

/** Pre-tokenizers the pipeline knows. */
export const PRE_TOKENIZERS = ['byte-level', 'whitespace', 'whitespace-split', 'bert'] as const;

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
function normalizerList(value: unknown): void {
  stringList(value);
  for (const stage of value as string[]) {
    if (stage !== 'none' && !(NORMALIZER_STAGES as readonly string[]).includes(stage)) {
      throw new Error(`unknown normalizer "${stage}"; allowed: none, ${NORMALIZER_STAGES.join(', ')}`);
    }
  }
}
function specialTokenList(value: unknown): void {
  stringList(value);
  const tokens = value as string[];
  if (tokens.some((token) => token === '')) throw new Error('must not contain an empty token');
  if (new Set(tokens).size !== tokens.length) throw new Error(`must not repeat a token, got ${JSON.stringify(tokens)}`);
}
function preTokenizer(value: unknown): void {
  if (value !== null && !(PRE_TOKENIZERS as readonly string[]).includes(String(value))) {
    throw new Error(`unknown pre-tokenizer ${JSON.stringify(value)}; allowed: ${PRE_TOKENIZERS.join(', ')}`);
  }
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
 * Keys of the `tokenizer:*` commands (configs/tokenization/base.yaml). An empty list or `null` means "the
 * model's own default" for pipeline choices, so the same file trains either model.
 */
export const tokenizationSection = {
  tokenizer: {
    model: {doc: 'Tokenizer model backend (bpe, wordpiece, …).', format: String, default: 'bpe'},
    dataset: {
      inputs: {
        doc: 'Training inputs: files, folders, or data run ids (ULIDs of prepare-data runs, read through the manifest store).',
        format: stringList,
        default: [],
      },
      trainSplit: {doc: 'Split of a data run that trains the tokenizer.', format: String, default: 'train'},
      validationSplit: {doc: 'Split of a data run that tokenizer:validate reads.', format: String, default: 'validation'},
    },
    cache: {
      dir: {doc: 'Tokenizer cache directory; empty = <cache.dir>/tokenizers.', format: String, default: ''},
    },
    normalizer: {
      doc: `Normalizer stages applied in order (${NORMALIZER_STAGES.join(', ')}); [] = the model's default, [none] = no normalization.`,
      format: normalizerList,
      default: [],
    },
    preTokenizer: {
      doc: `Pre-tokenizer (${PRE_TOKENIZERS.join(', ')}); null = the model's default.`,
      format: preTokenizer,
      default: null,
      nullable: true,
    },
    postProcessor: {
      doc: 'Post-processor: template ([BOS] $A [EOS] when those tokens exist) or none; null = the model default (template).',
      format: ['template', 'none', null],
      default: null,
      nullable: true,
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
    trainer: {
      doc: 'Extra trainer parameters passed to the model backend as-is (e.g. {continuingSubwordPrefix: "##"}).',
      format: Object,
      default: {},
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
