import {CodexError, ExitCode, type Tokenizer, utf8} from '@codex-ml/core';

/** One file of a Hugging Face tokenizer directory. */
export interface TokenizerFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Special-token roles Hugging Face tokenizers know, as `<role>_token` keys. */
const HF_ROLES = ['bos', 'eos', 'unk', 'sep', 'pad', 'cls', 'mask'] as const;

interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly single_word?: boolean;
  readonly lstrip?: boolean;
  readonly rstrip?: boolean;
  readonly normalized?: boolean;
  readonly special?: boolean;
}

/**
 * The three files `PreTrainedTokenizerFast.save_pretrained` writes, from a trained tokenizer.json:
 * `tokenizer.json` (byte for byte), `tokenizer_config.json` (the class to load it with, its special tokens by
 * role and `added_tokens_decoder`) and `special_tokens_map.json`. Roles are the ones the tokenizer was
 * trained with (`[BOS]` is bos, `[EOS]` eos, `[PAD]` pad, `[UNK]` unk, …); special tokens without a known role
 * are listed as `additional_special_tokens`. `AutoTokenizer.from_pretrained(dir)` loads the directory.
 */
export function hfTokenizerFiles(
  tokenizerJson: Uint8Array,
  tokenizer: Tokenizer,
  options: {readonly modelMaxLength?: number; readonly source?: string} = {},
): TokenizerFile[] {
  const source = options.source ?? 'tokenizer.json';
  let document: {added_tokens?: unknown};
  try {
    document = JSON.parse(new TextDecoder().decode(tokenizerJson)) as typeof document;
  } catch {
    throw new CodexError('E_TOKENIZER', `${source} is not JSON`, {exitCode: ExitCode.input});
  }
  const added = Array.isArray(document.added_tokens) ? (document.added_tokens as AddedToken[]) : [];
  const roles: Record<string, string> = {};
  const known = new Set<string>();
  for (const role of HF_ROLES) {
    const token = tokenizer.specialTokens[role];
    if (token !== undefined) {
      roles[`${role}_token`] = token;
      known.add(token);
    }
  }
  const additional = added.filter((token) => token.special === true && !known.has(token.content)).map((token) => token.content);
  const map = {...roles, ...(additional.length > 0 ? {additional_special_tokens: additional} : {})};
  const decoder: Record<string, unknown> = {};
  for (const token of [...added].sort((a, b) => a.id - b.id)) {
    decoder[String(token.id)] = {
      content: token.content,
      lstrip: token.lstrip ?? false,
      normalized: token.normalized ?? false,
      rstrip: token.rstrip ?? false,
      single_word: token.single_word ?? false,
      special: token.special ?? false,
    };
  }
  const config = {
    added_tokens_decoder: decoder,
    ...map,
    clean_up_tokenization_spaces: false,
    ...(options.modelMaxLength === undefined ? {} : {model_max_length: options.modelMaxLength}),
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  return [
    {name: 'tokenizer.json', bytes: tokenizerJson},
    {name: 'tokenizer_config.json', bytes: jsonBytes(config)},
    {name: 'special_tokens_map.json', bytes: jsonBytes(map)},
  ];
}

function jsonBytes(value: unknown): Uint8Array {
  return utf8(`${JSON.stringify(value, null, 2)}\n`);
}
