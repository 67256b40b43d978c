/**
 * Roles of special tokens (`pad`, `bos`, `eos`, `unk`, `mask`). tokenizer.json records no roles, so they are
 * read from the well-known spellings; a token with no known spelling keeps its own text as its role name.
 */
const ROLE_SPELLINGS: readonly (readonly [string, RegExp])[] = [
  ['pad', /^(\[PAD\]|<pad>|<\|pad\|>)$/i],
  ['bos', /^(\[BOS\]|<s>|<bos>|\[CLS\]|<\|begin_of_text\|>)$/i],
  ['eos', /^(\[EOS\]|<\/s>|<eos>|\[SEP\]|<\|endoftext\|>|<\|end_of_text\|>)$/i],
  ['unk', /^(\[UNK\]|<unk>)$/i],
  ['mask', /^(\[MASK\]|<mask>)$/i],
];

function roleOf(token: string, taken: Record<string, string>): string | undefined {
  return ROLE_SPELLINGS.find(([role, spelling]) => !(role in taken) && spelling.test(token))?.[0];
}

/** Role → token by spelling only (loaded files); unknown spellings map to themselves. */
export function rolesBySpelling(tokens: readonly string[]): Record<string, string> {
  const roles: Record<string, string> = {};
  for (const token of tokens) {
    const role = roleOf(token, roles) ?? token;
    if (!(role in roles)) roles[role] = token;
  }
  return roles;
}

/**
 * Role → token for configured special tokens: by spelling, then the first three tokens without a known
 * spelling become pad, bos and eos in that order (so `['<p>', '<b>', '<e>']` works as configured).
 */
export function specialRoles(specials: readonly string[]): Record<string, string> {
  const roles: Record<string, string> = {};
  const unclaimed: string[] = [];
  for (const token of specials) {
    const role = roleOf(token, roles);
    if (role) roles[role] = token;
    else unclaimed.push(token);
  }
  for (const role of ['pad', 'bos', 'eos']) {
    if (!(role in roles) && unclaimed.length > 0) roles[role] = unclaimed.shift() as string;
  }
  return roles;
}
