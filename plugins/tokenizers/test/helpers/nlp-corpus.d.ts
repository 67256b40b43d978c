declare module 'nlp-corpus' {
  export function all(): string[];
}
