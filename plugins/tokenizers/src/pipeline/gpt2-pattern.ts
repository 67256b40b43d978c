/** GPT-2's pre-tokenization pattern, as in Hugging Face's ByteLevel pre-tokenizer and tiktoken's `gpt2`. */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** A fresh global, Unicode-aware matcher for `GPT2_PATTERN` (regexes carry `lastIndex` state; never share one). */
export function gpt2Matcher(): RegExp {
  return new RegExp(GPT2_PATTERN, 'gu');
}
