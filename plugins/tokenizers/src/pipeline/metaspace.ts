/** When Metaspace puts its replacement character before the text (tokenizer.json `prepend_scheme`). */
export type PrependScheme = 'always' | 'never' | 'first';
export const PREPEND_SCHEMES: readonly PrependScheme[] = ['always', 'never', 'first'];
