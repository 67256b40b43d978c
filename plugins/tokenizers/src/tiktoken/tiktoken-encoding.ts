import {CodexError, ExitCode} from '@codex-ml/core';
import {BpeModel} from '../bpe/bpe-model.js';
import {type AddedToken, specialToken} from '../pipeline/added-vocabulary.js';
import {bytesToByteLevel} from '../pipeline/byte-level-alphabet.js';
import {ByteLevelDecoder} from '../pipeline/byte-level-decoder.js';
import {ByteLevelPreTokenizer} from '../pipeline/byte-level-pre-tokenizer.js';
import {GPT2_PATTERN} from '../pipeline/gpt2-pattern.js';
import {PipelineTokenizer} from '../pipeline/pipeline-tokenizer.js';
import {SequencePreTokenizer} from '../pipeline/sequence-pre-tokenizer.js';
import {SplitPreTokenizer} from '../pipeline/split-pre-tokenizer.js';
import {regexPattern} from '../pipeline/text-pattern.js';

/** OpenAI encodings whose ranks ship with `js-tiktoken` and can be imported. */
export const TIKTOKEN_ENCODINGS = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base'] as const;
export type TiktokenEncodingName = (typeof TIKTOKEN_ENCODINGS)[number];

/** The shape of a `js-tiktoken/ranks/*` module. */
export interface TiktokenRanks {
  readonly pat_str: string;
  readonly special_tokens: Readonly<Record<string, number>>;
  readonly bpe_ranks: string;
}

/**
 * Imports OpenAI's tiktoken ranks (bundled with `js-tiktoken`, no network) as a byte-level BPE pipeline that
 * encodes exactly as tiktoken: the encoding's split pattern, then per piece either the piece's own rank or
 * merges of the lowest-ranked adjacent pair, leftmost on ties. Token ids are tiktoken ranks.
 *
 * Difference from `tiktoken.encode`: special token text (`<|endoftext|>`) in the input becomes its id, as with
 * `allowed_special="all"`, where tiktoken raises by default.
 */
export async function loadTiktokenEncoding(name: string): Promise<PipelineTokenizer> {
  if (!(TIKTOKEN_ENCODINGS as readonly string[]).includes(name)) {
    throw new CodexError('E_TOKENIZER', `unknown tiktoken encoding "${name}"`, {
      hint: `use one of ${TIKTOKEN_ENCODINGS.join(', ')}, or a model name with --model`,
      exitCode: ExitCode.usage,
    });
  }
  const module = (await import(`js-tiktoken/ranks/${name}`)) as {default: TiktokenRanks};
  return tiktokenPipeline(module.default);
}

/** Builds the pipeline from ranks already in memory. */
export function tiktokenPipeline(ranks: TiktokenRanks): PipelineTokenizer {
  const vocab = new Map<string, number>();
  const byRank: string[] = [];
  for (const line of ranks.bpe_ranks.split('\n')) {
    if (line.length === 0) continue;
    const fields = line.split(' ');
    const offset = Number.parseInt(fields[1] as string, 10);
    for (let i = 2; i < fields.length; i++) {
      const token = bytesToByteLevel(Buffer.from(fields[i] as string, 'base64'));
      vocab.set(token, offset + i - 2);
      byRank[offset + i - 2] = token;
    }
  }
  // Every split of a token into two tokens is a merge of that token's rank: tiktoken looks up the rank of the
  // concatenation of adjacent parts, whatever the split.
  const merges: [number, number][] = [];
  const mergeRanks: number[] = [];
  byRank.forEach((token, rank) => {
    if (token === undefined || token.length < 2) return;
    for (let cut = 1; cut < token.length; cut++) {
      const left = vocab.get(token.slice(0, cut));
      if (left === undefined) continue;
      const right = vocab.get(token.slice(cut));
      if (right === undefined) continue;
      merges.push([left, right]);
      mergeRanks.push(rank);
    }
  });
  // Special tokens are in the model's vocabulary too: Hugging Face keeps an added token's id only when the model
  // knows it, and numbers it after the vocabulary otherwise (o200k leaves gaps before its special ids).
  const savedMerges = canonicalMerges(byRank, vocab);
  for (const [content, id] of Object.entries(ranks.special_tokens)) vocab.set(content, id);
  // A merge's rank is also the id of the token it makes.
  const model = new BpeModel(vocab, merges, {ignoreMerges: true, mergeRanks, mergeTargets: mergeRanks, savedMerges});
  const preTokenizer =
    ranks.pat_str === GPT2_PATTERN
      ? new ByteLevelPreTokenizer({addPrefixSpace: false, trimOffsets: false, useRegex: true})
      : new SequencePreTokenizer([
          new SplitPreTokenizer(regexPattern(ranks.pat_str, 'tiktoken pattern')),
          new ByteLevelPreTokenizer({addPrefixSpace: false, trimOffsets: false, useRegex: false}),
        ]);
  const specials: AddedToken[] = Object.entries(ranks.special_tokens)
    .map(([content, id]) => specialToken(id, content))
    .sort((a, b) => a.id - b.id);
  return new PipelineTokenizer({model, preTokenizer, decoder: new ByteLevelDecoder(), addedTokens: specials});
}

/**
 * One merge per token, as tokenizer.json needs: the two parts tiktoken's own merging reaches for the token's bytes
 * using only lower ranks (Hugging Face's conversion of tiktoken vocabularies). Tokens whose bytes do not end in
 * exactly two parts get no merge; `ignore_merges` still finds them whole.
 */
function canonicalMerges(byRank: readonly (string | undefined)[], vocab: ReadonlyMap<string, number>): [number, number][] {
  const merges: [number, number][] = [];
  byRank.forEach((token, rank) => {
    if (token === undefined || token.length < 2) return;
    const parts = [...token];
    for (;;) {
      let best = -1;
      let bestRank = rank;
      for (let i = 0; i + 1 < parts.length; i++) {
        const merged = vocab.get((parts[i] as string) + (parts[i + 1] as string));
        if (merged !== undefined && merged < bestRank) {
          bestRank = merged;
          best = i;
        }
      }
      if (best < 0) break;
      parts.splice(best, 2, (parts[best] as string) + (parts[best + 1] as string));
    }
    if (parts.length !== 2) return;
    const left = vocab.get(parts[0] as string);
    const right = vocab.get(parts[1] as string);
    if (left !== undefined && right !== undefined) merges.push([left, right]);
  });
  return merges;
}

/** The encoding tiktoken's `encoding_for_model` gives a model name (`gpt-4o` → `o200k_base`). */
export async function tiktokenEncodingForModel(model: string): Promise<TiktokenEncodingName> {
  const {getEncodingNameForModel} = (await import('js-tiktoken')) as {getEncodingNameForModel(model: string): string};
  try {
    return getEncodingNameForModel(model) as TiktokenEncodingName;
  } catch {
    throw new CodexError('E_TOKENIZER', `no tiktoken encoding is known for the model "${model}"`, {
      hint: `name a model such as gpt-4o, gpt-4 or text-davinci-003, or an encoding with --tiktoken (${TIKTOKEN_ENCODINGS.join(', ')})`,
      exitCode: ExitCode.usage,
    });
  }
}
