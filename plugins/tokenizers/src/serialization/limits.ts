/**
 * Limits a tokenizer file is checked against before anything is allocated for it, so a hostile file is refused
 * with one line instead of exhausting memory (documented in docs/examples/tokenization.md). The largest public
 * vocabularies (Gemma, 262,144 tokens) are far inside them.
 */
export const TOKENIZER_LIMITS = {
  /** Bytes of a tokenizer.json file (the largest public ones, Gemma 3's, are about 33 MB). */
  fileBytes: 64 * 1024 * 1024,
  /** Token ids are below this, and a vocabulary has at most this many entries. */
  vocabSize: 4_194_304,
  /** Merge rules of a BPE model. */
  merges: 8_388_608,
  /** Added tokens. */
  addedTokens: 1_048_576,
  /** Characters of a regex pattern. */
  patternLength: 16_384,
  /** Nesting of Sequence stages. */
  depth: 16,
} as const;
